package io.quantwatch.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.TokenIdPrompt;
import de.kherud.llama.args.CacheType;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the forked JVM that runs llama.cpp: reads an {@link OracleRequest} file, writes
 * an {@link OracleResponse} file and exits with System.exit, because the binding's native threads
 * keep the JVM alive after close(). KV cache in F32 on both K and V: llama.cpp's default F16 cache
 * alone changes greedy output.
 */
public final class LlamaCppWorker {
    private LlamaCppWorker() {}

    public static void main(String[] args) {
        int status = 0;
        try {
            ObjectMapper json = new ObjectMapper();
            OracleRequest request = json.readValue(new File(args[0]), OracleRequest.class);
            json.writeValue(new File(args[1]), run(request));
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    static OracleResponse run(OracleRequest request) {
        ModelParameters params = new ModelParameters()
                .setModel(request.model())
                .setCtxSize(request.contextSize())
                .setThreads(request.threads())
                .setThreadsBatch(request.threads())
                .setCacheTypeK(CacheType.F32)
                .setCacheTypeV(CacheType.F32)
                .setGpuLayers(0)
                .setSeed(1);
        try (LlamaModel model = new LlamaModel(params)) {
            List<int[]> encoded = new ArrayList<>();
            for (String text : request.encode()) {
                encoded.add(model.encode(text));
            }
            List<OracleResponse.GenerationResult> results = new ArrayList<>();
            for (OracleRequest.Generation g : request.generations()) {
                results.add(generate(model, g));
            }
            return new OracleResponse(encoded, results);
        }
    }

    private static OracleResponse.GenerationResult generate(LlamaModel model, OracleRequest.Generation g) {
        InferenceParameters inference = new InferenceParameters("")
                .setNPredict(g.maxTokens())
                .setTemperature(0f)
                .setTopK(1)
                .setRepeatPenalty(1f)
                .setFrequencyPenalty(0f)
                .setPresencePenalty(0f)
                .setCachePrompt(false)
                .setIgnoreEos(false);
        TokenIdPrompt.withTokens(inference, g.promptTokens());
        List<String> pieces = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long start = System.nanoTime();
        long first = 0;
        long last = 0;
        for (LlamaOutput out : model.generate(inference)) {
            long now = System.nanoTime() - start;
            if (out.text.isEmpty()) {
                continue; // the closing message of a stream carries no token
            }
            if (pieces.isEmpty()) {
                first = now;
            }
            last = now;
            pieces.add(out.text);
            text.append(out.text);
        }
        return new OracleResponse.GenerationResult(pieces, text.toString(), first, last);
    }
}
