package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tensor.F32Weights;
import io.quantwatch.engine.tensor.WeightMatrix;
import io.quantwatch.engine.tokenizer.SentencePieceTokenizer;
import io.quantwatch.engine.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads Karpathy's llama2.c float32 checkpoints ({@code run.c} layout: a 7-int header, then the
 * weights; a negative vocab size means a separate classifier) with their {@code tokenizer.bin}.
 */
final class Llama2cLoader {
    private Llama2cLoader() {}

    /** A checkpoint's weights as llama2.c lays them out ([out][in] rows), with its tokenizer. */
    record Checkpoint(
            String name,
            LlamaConfig config,
            float[] embedding,
            float[][] attnNorm,
            float[][] wq,
            float[][] wk,
            float[][] wv,
            float[][] wo,
            float[][] ffnNorm,
            float[][] w1,
            float[][] w2,
            float[][] w3,
            float[] outNorm,
            float[] output,
            Vocabulary vocabulary) {

        /** Whether the classifier is the embedding (llama2.c's positive vocab size). */
        boolean shared() {
            return output == embedding;
        }
    }

    static LlamaModel load(Path checkpoint, Path tokenizerBin, DotKernels kernels) {
        return model(read(checkpoint, tokenizerBin), kernels);
    }

    static Checkpoint read(Path checkpoint, Path tokenizerBin) {
        try (FileChannel ch = FileChannel.open(checkpoint, StandardOpenOption.READ)) {
            if (ch.size() < 28) {
                throw new GgufFormatException(checkpoint, "too short for a llama2.c header (" + ch.size() + " bytes)");
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            int dim = buf.getInt();
            int hidden = buf.getInt();
            int layers = buf.getInt();
            int heads = buf.getInt();
            int kvHeads = buf.getInt();
            int vocabRaw = buf.getInt();
            int seqLen = buf.getInt();
            boolean shared = vocabRaw > 0;
            int vocab = Math.abs(vocabRaw);
            LlamaConfig config;
            try {
                config = new LlamaConfig(dim, hidden, layers, heads, kvHeads, vocab, seqLen, 10000f, 1e-5f);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(checkpoint, "invalid llama2.c header: " + e.getMessage());
            }
            int headSize = config.headSize();
            int kvDim = config.kvDim();
            long expected = 28L
                    + 4L
                            * ((long) vocab * dim
                                    + 2L * layers * dim
                                    + (long) layers * dim * dim * 2
                                    + 2L * layers * kvDim * dim
                                    + 3L * layers * dim * hidden
                                    + dim
                                    + (long) seqLen * headSize
                                    + (shared ? 0 : (long) vocab * dim));
            if (ch.size() < expected) {
                throw new GgufFormatException(
                        checkpoint,
                        "truncated llama2.c checkpoint: " + ch.size() + " bytes, the header implies " + expected);
            }
            FloatBuffer f = buf.asFloatBuffer();
            float[] embedding = take(f, vocab * dim);
            float[][] attnNorm = takeEach(f, layers, dim);
            float[][] wq = takeEach(f, layers, dim * dim);
            float[][] wk = takeEach(f, layers, kvDim * dim);
            float[][] wv = takeEach(f, layers, kvDim * dim);
            float[][] wo = takeEach(f, layers, dim * dim);
            float[][] ffnNorm = takeEach(f, layers, dim);
            float[][] w1 = takeEach(f, layers, hidden * dim);
            float[][] w2 = takeEach(f, layers, dim * hidden);
            float[][] w3 = takeEach(f, layers, hidden * dim);
            float[] outNorm = take(f, dim);
            f.position(f.position() + seqLen * headSize); // legacy freq_cis_real + freq_cis_imag
            float[] output = shared ? embedding : take(f, vocab * dim);
            return new Checkpoint(
                    checkpoint.getFileName().toString(),
                    config,
                    embedding,
                    attnNorm,
                    wq,
                    wk,
                    wv,
                    wo,
                    ffnNorm,
                    w1,
                    w2,
                    w3,
                    outNorm,
                    output,
                    readVocabulary(tokenizerBin, vocab));
        } catch (IOException e) {
            throw new GgufFormatException(checkpoint, "cannot read: " + e.getMessage());
        }
    }

    static LlamaModel model(Checkpoint c, DotKernels kernels) {
        LlamaConfig config = c.config();
        int dim = config.dim();
        int kvDim = config.kvDim();
        int hidden = config.hiddenDim();
        int vocab = config.vocabSize();
        WeightMatrix embedding = new F32Weights(c.embedding(), vocab, dim, kernels);
        WeightMatrix output = c.shared() ? embedding : new F32Weights(c.output(), vocab, dim, kernels);
        List<LayerWeights> layerList = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            layerList.add(new LayerWeights(
                    c.attnNorm()[l],
                    new F32Weights(c.wq()[l], dim, dim, kernels),
                    new F32Weights(c.wk()[l], kvDim, dim, kernels),
                    new F32Weights(c.wv()[l], kvDim, dim, kernels),
                    new F32Weights(c.wo()[l], dim, dim, kernels),
                    c.ffnNorm()[l],
                    new F32Weights(c.w1()[l], hidden, dim, kernels),
                    new F32Weights(c.w3()[l], hidden, dim, kernels),
                    new F32Weights(c.w2()[l], dim, hidden, kernels)));
        }
        return new LlamaModel(
                c.name(),
                config,
                new LlamaWeights(embedding, layerList, c.outNorm(), output),
                new SentencePieceTokenizer(c.vocabulary(), true),
                kernels);
    }

    private static float[] take(FloatBuffer f, int n) {
        float[] out = new float[n];
        f.get(out);
        return out;
    }

    private static float[][] takeEach(FloatBuffer f, int count, int n) {
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = take(f, n);
        }
        return out;
    }

    /** tokenizer.bin: max token length, then per token a float score, an int length and the bytes. */
    private static Vocabulary readVocabulary(Path path, int vocab) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            buf.getInt();
            String[] tokens = new String[vocab];
            float[] scores = new float[vocab];
            int[] types = new int[vocab];
            for (int i = 0; i < vocab; i++) {
                if (buf.remaining() < 8) {
                    throw new GgufFormatException(path, "tokenizer.bin ends after " + i + " of " + vocab + " tokens");
                }
                scores[i] = buf.getFloat();
                int len = buf.getInt();
                if (len < 0 || len > buf.remaining()) {
                    throw new GgufFormatException(path, "token " + i + " has corrupt length " + len);
                }
                byte[] b = new byte[len];
                buf.get(b);
                String piece = new String(b, StandardCharsets.UTF_8);
                // llama2.c stores spaces literally; the SentencePiece tokenizer works on U+2581.
                tokens[i] = piece.replace(' ', '\u2581');
                types[i] = piece.matches("<0x[0-9A-F]{2}>")
                        ? Vocabulary.BYTE
                        : (i == 0 ? Vocabulary.UNKNOWN : (i <= 2 ? Vocabulary.CONTROL : Vocabulary.NORMAL));
            }
            return new Vocabulary(tokens, scores, types, 1, 2, 0, true);
        }
    }
}
