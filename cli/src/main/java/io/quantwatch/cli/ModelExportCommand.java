package io.quantwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufValueType;
import io.quantwatch.engine.gguf.GgufWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch model export}: turns the trainer's float32 weights (weights.json + weights.bin)
 * and the learned tokenizer into a GGUF file with complete llama and tokenizer metadata.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write the trained weights and tokenizer as GGUF.")
public final class ModelExportCommand implements Callable<Integer> {

    @Option(
            names = "--build",
            defaultValue = "models/build",
            description = "Folder with tokenizer.json and the trainer's weights (default: ${DEFAULT-VALUE}).")
    Path build;

    @Option(
            names = "--out",
            defaultValue = "models/quantwatch-demo-f16.gguf",
            description = "GGUF file to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--type",
            defaultValue = "F16",
            description = "Matrix type: F16 or F32 (default: ${DEFAULT-VALUE}).")
    GgmlType type;

    @Override
    public Integer call() throws IOException {
        JsonNode manifest =
                new ObjectMapper().readTree(build.resolve("weights.json").toFile());
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(build.resolve("weights.bin")))
                .order(ByteOrder.LITTLE_ENDIAN);
        DemoTokenizerFile tok = DemoTokenizerFile.read(build.resolve("tokenizer.json"));
        JsonNode c = manifest.get("config");
        int dim = c.get("dim").asInt();
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string("llama"));
        w.put("general.name", GgufValue.string("quantwatch-demo"));
        w.put("general.license", GgufValue.string("Apache-2.0"));
        w.put("llama.context_length", GgufValue.uint32(c.get("max_seq_len").asInt()));
        w.put("llama.embedding_length", GgufValue.uint32(dim));
        w.put("llama.block_count", GgufValue.uint32(c.get("n_layers").asInt()));
        w.put("llama.feed_forward_length", GgufValue.uint32(c.get("hidden_dim").asInt()));
        w.put("llama.attention.head_count", GgufValue.uint32(c.get("n_heads").asInt()));
        w.put(
                "llama.attention.head_count_kv",
                GgufValue.uint32(c.get("n_kv_heads").asInt()));
        w.put(
                "llama.rope.dimension_count",
                GgufValue.uint32(dim / c.get("n_heads").asInt()));
        w.put("llama.rope.freq_base", GgufValue.float32(c.get("rope_base").asDouble()));
        w.put(
                "llama.attention.layer_norm_rms_epsilon",
                GgufValue.float32(c.get("norm_eps").asDouble()));
        w.put("llama.vocab_size", GgufValue.uint32(tok.tokens().size()));
        w.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        w.put("tokenizer.ggml.pre", GgufValue.string(DemoTokenizerFile.PRE_TOKENIZER));
        w.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tok.tokens()));
        List<Long> types = new ArrayList<>();
        for (int t : tok.tokenTypes()) {
            types.add((long) t);
        }
        w.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types));
        w.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, tok.merges()));
        w.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(tok.bos()));
        w.put("tokenizer.ggml.eos_token_id", GgufValue.uint32(tok.eos()));
        w.put("tokenizer.ggml.add_bos_token", GgufValue.bool(true));
        w.put("tokenizer.ggml.add_eos_token", GgufValue.bool(false));
        for (JsonNode t : manifest.get("tensors")) {
            String name = t.get("name").asText();
            List<Long> shape = new ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.asLong()));
            long n = shape.stream().reduce(1L, (a, b) -> a * b);
            float[] values = new float[(int) n];
            data.position((int) t.get("offset").asLong());
            data.asFloatBuffer().get(values);
            // PyTorch shapes are [out, in]; GGUF lists the contiguous dimension first.
            long[] ggufShape = new long[shape.size()];
            for (int i = 0; i < ggufShape.length; i++) {
                ggufShape[i] = shape.get(shape.size() - 1 - i);
            }
            w.addTensor(name, shape.size() == 1 ? GgmlType.F32 : type, ggufShape, values);
        }
        w.write(out);
        System.out.printf("wrote %s (%.1f MiB)%n", out, Files.size(out) / 1048576.0);
        return 0;
    }
}
