package io.quantwatch.connectors.openvino;

import java.util.Arrays;

/**
 * The four inputs of one feed into a stateful LLM IR holding {@code past} tokens: the new token
 * ids, an attention mask over all {@code past + n} tokens, and their positions; {@code beam_idx} is
 * always [0] for greedy decoding.
 */
record StatefulInputs(long[] ids, long[] mask, long[] positions) {

    static StatefulInputs next(long past, int[] tokens) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("feed at least one token");
        }
        long[] mask = new long[(int) (past + n)];
        Arrays.fill(mask, 1L);
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            positions[i] = past + i;
        }
        return new StatefulInputs(Arrays.stream(tokens).asLongStream().toArray(), mask, positions);
    }
}
