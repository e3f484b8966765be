package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.gguf.GgufTensorInfo;
import io.quantwatch.engine.gguf.GgufValue;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a Llama-shaped GGUF file this engine implements, checked before any weight is read: every metadata key and
 * tensor must be one it computes with (the family's own keys and tensors are its {@link Architecture}'s to accept), or
 * one that cannot change its outputs. Anything else (longrope scaling, feed-forward biases, experts, another family's
 * sliding windows or soft-caps, tokenizer normalizers) is refused with the key or tensor and its value named: a model
 * that loads computes what llama.cpp computes, or does not load.
 */
final class LlamaGgufSupport {
    /** Keys the engine reads (or checks against its own values below). */
    private static final Set<String> COMPUTED = Set.of(
            "general.architecture",
            "llama.context_length",
            "llama.embedding_length",
            "llama.block_count",
            "llama.feed_forward_length",
            "llama.attention.head_count",
            "llama.attention.head_count_kv",
            "llama.rope.freq_base",
            "llama.rope.dimension_count",
            "llama.attention.layer_norm_rms_epsilon",
            "llama.vocab_size",
            "tokenizer.ggml.model",
            "tokenizer.ggml.pre",
            "tokenizer.ggml.tokens",
            "tokenizer.ggml.scores",
            "tokenizer.ggml.token_type",
            "tokenizer.ggml.merges",
            "tokenizer.ggml.bos_token_id",
            "tokenizer.ggml.eos_token_id",
            "tokenizer.ggml.unknown_token_id",
            "tokenizer.ggml.add_bos_token",
            "tokenizer.ggml.add_space_prefix");

    /**
     * Keys that cannot change what the engine computes for a raw prompt: descriptions ({@code general.*}, and
     * {@code quantize.*} from llama-quantize), the chat template (prompts arrive already templated), and special tokens
     * only encoders with {@code add_special} use.
     */
    private static final Set<String> INERT = Set.of(
            "tokenizer.chat_template",
            "tokenizer.ggml.padding_token_id",
            "tokenizer.ggml.seperator_token_id",
            "tokenizer.ggml.separator_token_id",
            "tokenizer.ggml.cls_token_id",
            "tokenizer.ggml.mask_token_id",
            "tokenizer.ggml.prefix_token_id",
            "tokenizer.ggml.suffix_token_id",
            "tokenizer.ggml.middle_token_id");

    private static final Pattern LAYER_TENSOR = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");
    private static final Set<String> BIASED = Set.of("attn_q", "attn_k", "attn_v", "attn_output");
    private static final Set<String> MODEL_TENSORS =
            Set.of("token_embd.weight", "output_norm.weight", "output.weight", "rope_freqs.weight");

    private LlamaGgufSupport() {}

    /** Refuses the file unless every key and tensor in it is implemented or inert. */
    static void check(GgufFile file, Architecture family) {
        String arch = family.name();
        Map<String, GgufValue> meta = file.metadata();
        String a = arch + ".";
        // A file without the basic hyper-parameters is not a model of this architecture: say what is missing first.
        file.requireLong(a + "embedding_length");
        file.requireLong(a + "attention.head_count");
        for (var e : meta.entrySet()) {
            // Hyper-parameters are prefixed with the architecture's name; checked in llama's words below.
            String key = e.getKey().startsWith(a)
                    ? "llama." + e.getKey().substring(a.length())
                    : e.getKey().startsWith("llama.") ? "unknown:" + e.getKey() : e.getKey();
            if (COMPUTED.contains(key)
                    || INERT.contains(key)
                    || key.startsWith("general.")
                    || key.startsWith("quantize.")) {
                continue;
            }
            GgufValue v = e.getValue();
            boolean neutral = switch (key) {
                // none, linear and yarn are computed (GgufLlamaLoader.ropeScaling); longrope is not.
                case "llama.rope.scaling.type" -> text(v).matches("none|linear|yarn");
                // A factor is computed under linear and yarn; with type none llama.cpp would still apply it: refused.
                case "llama.rope.scaling.factor", "llama.rope.scale_linear" ->
                    number(v) == 0.0 || number(v) == 1.0 || scaled(meta, a);
                // YaRN's original context (computed); inert under none and linear.
                case "llama.rope.scaling.original_context_length" -> number(v) > 0;
                // Computed as the head size (GgufLlamaLoader.headDim, which refuses a value length of its own).
                case "llama.attention.key_length", "llama.attention.value_length" -> number(v) > 0;
                case "llama.expert_count", "llama.expert_used_count" -> number(v) == 0.0;
                case "tokenizer.ggml.add_eos_token" -> !bool(v);
                // Generations end there as well as at EOS, in the engine as in llama.cpp (Vocabulary.endsGeneration).
                case "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id" -> number(v) >= 0;
                // The family's own keys (sliding windows, soft-caps, a second rope base) are its architecture's.
                default -> family.computes(key, v, file);
            };
            if (!neutral) {
                throw new GgufFormatException(
                        file.path(),
                        "metadata key '" + e.getKey() + "' = " + describe(v) + " is not implemented by this engine ("
                                + why(key) + "); refusing the model rather than computing different outputs"
                                + " from llama.cpp");
            }
        }
        long layers = file.requireLong(a + "block_count");
        Set<String> layerTensors = family.layerTensors();
        boolean biasesAllowed = family.attentionBiases();
        for (GgufTensorInfo t : file.tensors().values()) {
            String name = t.name();
            Matcher m = LAYER_TENSOR.matcher(name);
            // Only llama's graph reads rope_freqs; llama.cpp refuses the unused tensor in the others' files.
            boolean known = (MODEL_TENSORS.contains(name)
                            && (family.ropeFrequencyFactors() || !name.equals("rope_freqs.weight")))
                    || (m.matches()
                            && (m.group(3).equals("weight")
                                    ? layerTensors.contains(m.group(2))
                                    : biasesAllowed && BIASED.contains(m.group(2)))
                            && Long.parseLong(m.group(1)) < layers);
            if (!known) {
                throw new GgufFormatException(
                        file.path(),
                        "tensor '" + name + "' (" + t.type() + " " + Arrays.toString(t.shape())
                                + ") is not used by this engine's " + arch + " (" + why(name)
                                + "); refusing the model rather than computing without it");
            }
        }
    }

    /** What the refused key or tensor would change, so the message says why it matters. */
    private static String why(String name) {
        if (name.contains("rope_freqs") || name.contains("rope.scal") || name.contains("rope_factors")) {
            return "rope scaling changes the rotation at every position";
        }
        if (name.endsWith(".bias")) {
            return "only attention biases (attn_q/k/v/output) are implemented";
        }
        if (name.contains("key_length") || name.contains("value_length")) {
            return "a head size must be positive";
        }
        if (name.contains("expert") || name.contains("_exps") || name.contains("ffn_gate_inp")) {
            return "mixture of experts";
        }
        if (name.contains("sliding_window")) {
            return "sliding-window attention";
        }
        if (name.contains("softcap")) {
            return "logit soft-capping";
        }
        if (name.contains("eot_token") || name.contains("eom_token")) {
            return "an end-of-generation token other than EOS";
        }
        if (name.startsWith("tokenizer.")) {
            return "it changes how text becomes tokens";
        }
        return "unknown to this engine";
    }

    private static String describe(GgufValue v) {
        Object o = v.value();
        if (o instanceof java.util.List<?> l) {
            return "[" + l.size() + " values]";
        }
        return o instanceof String s ? "'" + s + "'" : String.valueOf(o);
    }

    private static boolean scaled(Map<String, GgufValue> meta, String a) {
        GgufValue type = meta.get(a + "rope.scaling.type");
        return type != null && text(type).matches("linear|yarn");
    }

    private static String text(GgufValue v) {
        return v.value() instanceof String s ? s : String.valueOf(v.value());
    }

    private static double number(GgufValue v) {
        return v.value() instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static boolean bool(GgufValue v) {
        return v.value() instanceof Boolean b && b;
    }
}
