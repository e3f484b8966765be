package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufValueType;
import io.quantwatch.engine.gguf.GgufWriter;
import io.quantwatch.engine.tokenizer.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a llama2.c checkpoint (Karpathy's {@code run.c} format, e.g. the TinyStories models) and its
 * {@code tokenizer.bin} as a GGUF file with llama metadata and a SentencePiece vocabulary, so it can be the reference
 * of the monitor and of {@code evaluate} and be read by llama.cpp. Tensors keep llama2.c's layout, which is GGUF's.
 */
public final class Llama2cToGguf {
    private Llama2cToGguf() {}

    /**
     * @param matrixType F32 or F16 for the weight matrices; norms stay F32
     * @return the model's configuration
     */
    public static LlamaConfig convert(Path checkpoint, Path tokenizerBin, Path out, GgmlType matrixType) {
        if (matrixType != GgmlType.F32 && matrixType != GgmlType.F16) {
            throw new IllegalArgumentException("a converted reference is F32 or F16, not " + matrixType
                    + "; quantize it with a candidate recipe instead");
        }
        Llama2cLoader.Checkpoint c = Llama2cLoader.read(checkpoint, tokenizerBin);
        LlamaConfig config = c.config();
        int dim = config.dim();
        int kvDim = config.kvDim();
        int hidden = config.hiddenDim();
        int vocab = config.vocabSize();
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string("llama"));
        w.put("general.name", GgufValue.string(c.name().replaceFirst("\\.bin$", "")));
        w.put("llama.context_length", GgufValue.uint32(config.contextLength()));
        w.put("llama.embedding_length", GgufValue.uint32(dim));
        w.put("llama.block_count", GgufValue.uint32(config.layers()));
        w.put("llama.feed_forward_length", GgufValue.uint32(hidden));
        w.put("llama.attention.head_count", GgufValue.uint32(config.heads()));
        w.put("llama.attention.head_count_kv", GgufValue.uint32(config.kvHeads()));
        w.put("llama.rope.dimension_count", GgufValue.uint32(config.headSize()));
        w.put("llama.rope.freq_base", GgufValue.float32(config.ropeBase()));
        w.put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(config.rmsEps()));
        vocabulary(w, c.vocabulary());
        w.addTensor("token_embd.weight", matrixType, new long[] {dim, vocab}, c.embedding());
        for (int l = 0; l < config.layers(); l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", GgmlType.F32, new long[] {dim}, c.attnNorm()[l]);
            w.addTensor(p + "attn_q.weight", matrixType, new long[] {dim, dim}, c.wq()[l]);
            w.addTensor(p + "attn_k.weight", matrixType, new long[] {dim, kvDim}, c.wk()[l]);
            w.addTensor(p + "attn_v.weight", matrixType, new long[] {dim, kvDim}, c.wv()[l]);
            w.addTensor(p + "attn_output.weight", matrixType, new long[] {dim, dim}, c.wo()[l]);
            w.addTensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {dim}, c.ffnNorm()[l]);
            w.addTensor(p + "ffn_gate.weight", matrixType, new long[] {dim, hidden}, c.w1()[l]);
            w.addTensor(p + "ffn_up.weight", matrixType, new long[] {dim, hidden}, c.w3()[l]);
            w.addTensor(p + "ffn_down.weight", matrixType, new long[] {hidden, dim}, c.w2()[l]);
        }
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {dim}, c.outNorm());
        if (!c.shared()) {
            w.addTensor("output.weight", matrixType, new long[] {dim, vocab}, c.output());
        }
        w.write(out);
        return config;
    }

    private static void vocabulary(GgufWriter w, Vocabulary v) {
        List<String> tokens = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<Long> types = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            tokens.add(v.token(i));
            scores.add((double) v.score(i));
            types.add((long) v.type(i));
        }
        w.put("tokenizer.ggml.model", GgufValue.string("llama"));
        w.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        w.put("tokenizer.ggml.scores", GgufValue.array(GgufValueType.FLOAT32, scores));
        w.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types));
        w.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(v.bos()));
        w.put("tokenizer.ggml.eos_token_id", GgufValue.uint32(v.eos()));
        w.put("tokenizer.ggml.unknown_token_id", GgufValue.uint32(v.unk()));
        w.put("tokenizer.ggml.add_bos_token", GgufValue.bool(v.addBos()));
        w.put("tokenizer.ggml.add_eos_token", GgufValue.bool(false));
    }
}
