package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.gguf.GgufTensorInfo;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tensor.F16Weights;
import io.quantwatch.engine.tensor.F32Weights;
import io.quantwatch.engine.tensor.HalfFloat;
import io.quantwatch.engine.tensor.Int4Weights;
import io.quantwatch.engine.tensor.Int8Weights;
import io.quantwatch.engine.tensor.KQuantWeights;
import io.quantwatch.engine.tensor.MappedF16Weights;
import io.quantwatch.engine.tensor.WeightMatrix;
import io.quantwatch.engine.tokenizer.GgufTokenizers;
import io.quantwatch.engine.tokenizer.Tokenizer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the Llama-shaped families from GGUF, each as its {@link Architecture} describes it (tensors, rope, block
 * rules), keeping each tensor in its stored format.
 */
final class GgufLlamaLoader {

    private GgufLlamaLoader() {}

    /**
     * Files at least this large have their F16 matrices read in place from the mapping; smaller ones are copied to the
     * heap, where the kernels run 20–30 % faster on JDK 17 (Vector API loads from arrays rather than buffers).
     */
    static final long F16_IN_PLACE_BYTES = 1L << 30;

    static LlamaModel load(Path path, DotKernels kernels) {
        boolean inPlace;
        try {
            inPlace = java.nio.file.Files.size(path) >= F16_IN_PLACE_BYTES;
        } catch (java.io.IOException e) {
            inPlace = true; // GgufFile.open reports the unreadable file
        }
        return load(path, kernels, inPlace);
    }

    /** As {@link #load(Path, DotKernels)}, F16 matrices read in place or copied to the heap as {@code f16InPlace} says. */
    static LlamaModel load(Path path, DotKernels kernels, boolean f16InPlace) {
        try (GgufFile file = GgufFile.open(path)) {
            String arch = file.requireString("general.architecture");
            Architecture family = Architectures.named(arch);
            if (family == null) {
                throw new GgufFormatException(
                        path,
                        "architecture '" + arch + "' is not supported (supported: " + Architectures.supported() + ")");
            }
            String a = arch + "."; // every hyper-parameter key is prefixed with the architecture's name
            LlamaGgufSupport.check(file, family); // before any work: refuse what would load and compute wrongly
            Tokenizer tokenizer = GgufTokenizers.fromGguf(file);
            int dim = (int) file.requireLong(a + "embedding_length");
            int heads = (int) file.requireLong(a + "attention.head_count");
            GgufTensorInfo embd = file.tensor("token_embd.weight");
            int vocab = (int) file.longOr(a + "vocab_size", embd.shape().length > 1 ? embd.shape()[1] : 0);
            int headDim = headDim(file, a, dim, heads);
            long layerCount = file.requireLong(a + "block_count");
            if (layerCount < 1 || layerCount > file.tensors().size()) {
                // Every layer has tensors: a count beyond them is a hostile or broken header, refused before any
                // per-layer table is sized from it.
                throw new GgufFormatException(
                        path,
                        a + "block_count = " + layerCount + " does not fit the file's "
                                + file.tensors().size() + " tensors");
            }
            LlamaConfig config;
            try {
                BlockRules rules = family.rules(file, new Architecture.Shape(dim, heads, headDim, (int) layerCount));
                config = new LlamaConfig(
                        dim,
                        (int) file.requireLong(a + "feed_forward_length"),
                        (int) layerCount,
                        heads,
                        (int) file.longOr(a + "attention.head_count_kv", heads),
                        vocab,
                        (int) file.requireLong(a + "context_length"),
                        (float) file.doubleOr(a + "rope.freq_base", 10000.0),
                        (float) file.doubleOr(a + "attention.layer_norm_rms_epsilon", 1e-5),
                        ropeScaling(file, a, headDim),
                        family.ropeStyle(),
                        headDim,
                        rules);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(path, "invalid " + arch + " hyper-parameters: " + e.getMessage());
            }
            long ropeDims = file.longOr(a + "rope.dimension_count", config.headSize());
            if (ropeDims != config.headSize()) {
                throw new GgufFormatException(
                        path,
                        a + "rope.dimension_count " + ropeDims + " differs from the head size " + config.headSize()
                                + "; partial rotary embeddings are not supported");
            }
            if (tokenizer.vocabulary().size() != vocab) {
                throw new GgufFormatException(
                        path,
                        "the tokenizer has " + tokenizer.vocabulary().size() + " tokens but token_embd.weight has "
                                + vocab + " rows");
            }
            WeightMatrix embedding = matrix(file, "token_embd.weight", vocab, dim, kernels, f16InPlace);
            List<LayerWeights> layers = new ArrayList<>();
            int kvDim = config.kvDim();
            int hidden = config.hiddenDim();
            for (int l = 0; l < config.layers(); l++) {
                String p = "blk." + l + ".";
                WeightMatrix[] qkv;
                WeightMatrix[] gateUp;
                if (family.fusedProjections()) {
                    // phi3 stores Q, K and V as one matrix, and the gate and up projections as another.
                    qkv = split(
                            file,
                            p + "attn_qkv.weight",
                            new int[] {config.qDim(), kvDim, kvDim},
                            dim,
                            kernels,
                            f16InPlace);
                    gateUp = split(file, p + "ffn_up.weight", new int[] {hidden, hidden}, dim, kernels, f16InPlace);
                } else {
                    qkv = new WeightMatrix[] {
                        matrix(file, p + "attn_q.weight", config.qDim(), dim, kernels, f16InPlace),
                        matrix(file, p + "attn_k.weight", kvDim, dim, kernels, f16InPlace),
                        matrix(file, p + "attn_v.weight", kvDim, dim, kernels, f16InPlace)
                    };
                    gateUp = new WeightMatrix[] {
                        matrix(file, p + "ffn_gate.weight", hidden, dim, kernels, f16InPlace),
                        matrix(file, p + "ffn_up.weight", hidden, dim, kernels, f16InPlace)
                    };
                }
                layers.add(new LayerWeights(
                        vector(file, p + "attn_norm.weight", dim),
                        qkv[0],
                        qkv[1],
                        qkv[2],
                        matrix(file, p + "attn_output.weight", dim, config.qDim(), kernels, f16InPlace),
                        vector(file, p + "ffn_norm.weight", dim),
                        gateUp[0],
                        gateUp[1],
                        matrix(file, p + "ffn_down.weight", dim, hidden, kernels, f16InPlace),
                        new LayerWeights.AttentionBias(
                                optionalVector(file, p + "attn_q.bias", config.qDim()),
                                optionalVector(file, p + "attn_k.bias", kvDim),
                                optionalVector(file, p + "attn_v.bias", kvDim),
                                optionalVector(file, p + "attn_output.bias", dim)),
                        family.layerTensors().contains("post_attention_norm")
                                ? new LayerWeights.PostNorms(
                                        vector(file, p + "post_attention_norm.weight", dim),
                                        vector(file, p + "post_ffw_norm.weight", dim))
                                : LayerWeights.PostNorms.NONE,
                        family.layerTensors().contains("attn_q_norm")
                                ? new LayerWeights.QueryKeyNorms(
                                        vector(file, p + "attn_q_norm.weight", headDim),
                                        vector(file, p + "attn_k_norm.weight", headDim))
                                : LayerWeights.QueryKeyNorms.NONE));
            }
            float[] outputNorm = vector(file, "output_norm.weight", dim);
            WeightMatrix output = file.tensors().containsKey("output.weight")
                    ? matrix(file, "output.weight", vocab, dim, kernels, f16InPlace)
                    : embedding;
            String name = path.getFileName().toString();
            return new LlamaModel(
                    name, config, new LlamaWeights(embedding, layers, outputNorm, output), tokenizer, kernels);
        }
    }

    /** A fused matrix (rows of several projections one after another) cut into one matrix per part, in place. */
    private static WeightMatrix[] split(
            GgufFile file, String name, int[] parts, int cols, DotKernels kernels, boolean f16InPlace) {
        int rows = 0;
        for (int part : parts) {
            rows += part;
        }
        GgufTensorInfo t = checkShape(file, name, rows, cols);
        ByteBuffer data = file.tensorData(t);
        int rowBytes = (int) t.type().bytesFor(cols);
        WeightMatrix[] out = new WeightMatrix[parts.length];
        int row = 0;
        for (int i = 0; i < parts.length; i++) {
            ByteBuffer slice = data.slice(row * rowBytes, parts[i] * rowBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            out[i] = matrix(slice, t.type(), parts[i], cols, kernels, f16InPlace);
            row += parts[i];
        }
        return out;
    }

    /**
     * The head size: {@code key_length} when set (Qwen3, some Llama variants: heads × head size need not be dim),
     * else dim / heads. A value length other than the key length is refused: attention here reads both at one width.
     */
    private static int headDim(GgufFile file, String a, int dim, int heads) {
        long key = file.longOr(a + "attention.key_length", heads > 0 ? dim / heads : 0);
        long value = file.longOr(a + "attention.value_length", key);
        if (value != key) {
            throw new GgufFormatException(
                    file.path(),
                    a + "attention.value_length = " + value + " differs from " + a + "attention.key_length = " + key
                            + ": separate key and value head sizes are not implemented");
        }
        return (int) key;
    }

    /**
     * Linear scaling ({@code llama.rope.scaling.type = linear}), YaRN ({@code yarn}, with llama.cpp's default betas and
     * the original context from {@code rope.scaling.original_context_length}) and per-pair factors
     * ({@code rope_freqs.weight}).
     */
    private static LlamaConfig.RopeScaling ropeScaling(GgufFile file, String a, int headSize) {
        float scale = 1f;
        String type = file.metadata().containsKey(a + "rope.scaling.type")
                ? file.requireString(a + "rope.scaling.type")
                : "none";
        if (type.equals("linear") || type.equals("yarn")) {
            double factor = file.doubleOr(a + "rope.scaling.factor", file.doubleOr(a + "rope.scale_linear", 1.0));
            if (!(factor > 0)) {
                throw new GgufFormatException(file.path(), a + "rope.scaling.factor must be positive, got " + factor);
            }
            scale = (float) (1.0 / factor);
        }
        LlamaConfig.RopeScaling.Yarn yarn = null;
        if (type.equals("yarn")) {
            int original = (int)
                    file.longOr(a + "rope.scaling.original_context_length", file.requireLong(a + "context_length"));
            yarn = LlamaConfig.RopeScaling.Yarn.of(
                    headSize, original, (float) file.doubleOr(a + "rope.freq_base", 10000.0), scale);
        }
        float[] factors = file.tensors().containsKey("rope_freqs.weight")
                ? vector(file, "rope_freqs.weight", headSize / 2)
                : null;
        return new LlamaConfig.RopeScaling(scale, factors, yarn);
    }

    private static float[] optionalVector(GgufFile file, String name, int length) {
        return file.tensors().containsKey(name) ? vector(file, name, length) : null;
    }

    private static float[] vector(GgufFile file, String name, int length) {
        GgufTensorInfo t = file.tensor(name);
        if (t.elementCount() != length) {
            throw new GgufFormatException(
                    file.path(), "tensor '" + name + "' has " + t.elementCount() + " values, expected " + length);
        }
        return toFloats(file, t);
    }

    private static float[] toFloats(GgufFile file, GgufTensorInfo t) {
        ByteBuffer data = file.tensorData(t);
        int n = (int) t.elementCount();
        float[] out = new float[n];
        switch (t.type()) {
            case F32 -> data.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloat.toFloat(data.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloat.bf16ToFloat(data.getShort(2 * i));
                }
            }
            default ->
                throw new GgufFormatException(
                        file.path(),
                        "tensor '" + t.name() + "' has type " + t.type()
                                + ", but norm weights must be F32, F16 or BF16");
        }
        return out;
    }

    private static WeightMatrix matrix(
            GgufFile file, String name, int rows, int cols, DotKernels kernels, boolean f16InPlace) {
        GgufTensorInfo t = checkShape(file, name, rows, cols);
        return matrix(file.tensorData(t), t.type(), rows, cols, kernels, f16InPlace);
    }

    private static GgufTensorInfo checkShape(GgufFile file, String name, int rows, int cols) {
        GgufTensorInfo t = file.tensor(name);
        long[] s = t.shape();
        if (s.length != 2 || s[0] != cols || s[1] != rows) {
            throw new GgufFormatException(
                    file.path(),
                    "tensor '" + name + "' (" + t.type() + ") has shape " + Arrays.toString(s) + ", expected [" + cols
                            + ", " + rows + "]");
        }
        return t;
    }

    /** A rows × cols matrix of {@code type} over {@code data} (its mapping, or a slice of a fused tensor's). */
    private static WeightMatrix matrix(
            ByteBuffer data, GgmlType type, int rows, int cols, DotKernels kernels, boolean f16InPlace) {
        int n = rows * cols;
        return switch (type) {
            case F32 -> {
                float[] w = new float[n];
                data.asFloatBuffer().get(w);
                yield new F32Weights(w, rows, cols, kernels);
            }
            case Q4_K, Q5_K, Q6_K -> new KQuantWeights(data, type, rows, cols, kernels);
            case F16, BF16 -> {
                if (type == GgmlType.F16 && f16InPlace) {
                    yield new MappedF16Weights(data, rows, cols, kernels); // read in place: no heap copy
                }
                short[] w = new short[n];
                data.asShortBuffer().get(w);
                yield new F16Weights(w, rows, cols, type == GgmlType.BF16, kernels);
            }
            case Q8_0 -> {
                int blocks = n / 32;
                byte[] q = new byte[n];
                float[] scales = new float[blocks];
                for (int b = 0; b < blocks; b++) {
                    int base = b * 34;
                    scales[b] = HalfFloat.toFloat(data.getShort(base));
                    data.get(base + 2, q, b * 32, 32);
                }
                yield new Int8Weights(q, scales, null, rows, cols, 32, "Q8_0", kernels);
            }
            case Q4_0 -> {
                int blocks = n / 32;
                byte[] packed = new byte[n / 2];
                float[] scales = new float[blocks];
                for (int b = 0; b < blocks; b++) {
                    int base = b * 18;
                    scales[b] = HalfFloat.toFloat(data.getShort(base));
                    data.get(base + 2, packed, b * 16, 16);
                }
                yield new Int4Weights(packed, scales, null, rows, cols, 32, "Q4_0", kernels);
            }
        };
    }
}
