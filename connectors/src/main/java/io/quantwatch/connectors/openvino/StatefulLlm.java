package io.quantwatch.connectors.openvino;

/**
 * A stateful LLM IR compiled for one device through the C API ({@code input_ids},
 * {@code attention_mask}, {@code position_ids}, {@code beam_idx} in; {@code logits} out; the KV cache
 * lives in the infer request). Each {@link Session} is a new infer request, so every prompt starts
 * from empty state.
 */
public final class StatefulLlm implements CompiledLlm {
    private final OpenVinoRuntime.CompiledModel compiled;

    public StatefulLlm(OpenVinoRuntime.CompiledModel compiled) {
        this.compiled = compiled;
    }

    @Override
    public Session newSession() {
        return new Session(compiled.newRequest());
    }

    /** One sequence: tokens fed so far and the request holding their state. */
    public static final class Session implements CompiledLlm.Session {
        private final InferRequest request;
        private long past;

        Session(InferRequest request) {
            this.request = request;
        }

        /** Appends {@code tokens} and returns the logits for each of them, shape [1, n, vocab] (close it before the next feed). */
        @Override
        public OutputTensor feed(int[] tokens) {
            StatefulInputs in = StatefulInputs.next(past, tokens);
            int n = tokens.length;
            request.setI64("input_ids", new long[] {1, n}, in.ids());
            request.setI64("attention_mask", new long[] {1, past + n}, in.mask());
            request.setI64("position_ids", new long[] {1, n}, in.positions());
            request.setI32("beam_idx", new long[] {1}, new int[] {0});
            request.infer();
            past += n;
            return request.output("logits");
        }

        /** Tokens in the state. */
        public long length() {
            return past;
        }

        @Override
        public void close() {
            request.close();
        }
    }
}
