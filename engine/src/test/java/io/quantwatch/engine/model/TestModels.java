package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tensor.F32Weights;
import io.quantwatch.engine.tensor.WeightMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared test subjects: the seeded random llama (written once per JVM) and weight conversions. */
public final class TestModels {
    private static Path smallF32;

    private TestModels() {}

    /** The oracle test model (dim 256, 4 layers, GQA 8/2) in F32, written once per JVM. */
    public static synchronized Path smallF32() {
        if (smallF32 == null) {
            try {
                Path dir = Files.createTempDirectory("quantwatch-test-model");
                dir.toFile().deleteOnExit();
                smallF32 = dir.resolve("small-f32.gguf");
                smallF32.toFile().deleteOnExit();
                RandomLlamaGguf.write(RandomLlamaGguf.Spec.small(42), GgmlType.F32, smallF32);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return smallF32;
    }

    /** The same model with every matrix dequantized to F32 (the fake-quantized twin of a packed model). */
    public static LlamaModel unpacked(LlamaModel packed) {
        LlamaWeights w = packed.weights();
        DotKernels k = packed.kernels();
        WeightMatrix emb = f32(w.tokenEmbedding(), k);
        List<LayerWeights> layers = new ArrayList<>();
        for (LayerWeights l : w.layers()) {
            layers.add(l.withProjections(
                    f32(l.wq(), k),
                    f32(l.wk(), k),
                    f32(l.wv(), k),
                    f32(l.wo(), k),
                    f32(l.gate(), k),
                    f32(l.up(), k),
                    f32(l.down(), k)));
        }
        WeightMatrix out = w.tiedOutput() ? emb : f32(w.output(), k);
        return packed.withWeights(packed.name() + " unpacked", new LlamaWeights(emb, layers, w.outputNorm(), out));
    }

    private static WeightMatrix f32(WeightMatrix m, DotKernels k) {
        return new F32Weights(m.toFloats(), m.rows(), m.cols(), k);
    }
}
