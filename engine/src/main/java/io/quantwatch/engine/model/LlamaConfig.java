package io.quantwatch.engine.model;

/** Hyper-parameters of a Llama-family decoder; {@code rules} says how its family's block departs from Llama's. */
public record LlamaConfig(
        int dim,
        int hiddenDim,
        int layers,
        int heads,
        int kvHeads,
        int vocabSize,
        int contextLength,
        float ropeBase,
        float rmsEps,
        RopeScaling ropeScaling,
        RopeStyle ropeStyle,
        int headDim,
        BlockRules rules) {

    /** Which elements of a head rotate together: llama.cpp's rope type for the architecture. */
    public enum RopeStyle {
        /** Pairs (2i, 2i + 1): llama.cpp's "normal" rope, as GGUF llama weights expect. */
        ADJACENT,
        /** Pairs (i, i + headSize / 2): GPT-NeoX's rope, as qwen2 uses. */
        NEOX
    }

    /**
     * How positions map to rotations beyond the plain RoPE, as llama.cpp applies them for {@code llama}: every angle
     * multiplied by {@code freqScale} (1 / {@code llama.rope.scaling.factor} under {@code linear}) and, with
     * {@code freqFactors} (the {@code rope_freqs.weight} Llama 3.1/3.2 files carry, one per rotated pair), each pair's
     * angle divided by its factor.
     */
    public record RopeScaling(float freqScale, float[] freqFactors, Yarn yarn) {
        public static final RopeScaling NONE = new RopeScaling(1f, null, null);

        public RopeScaling(float freqScale, float[] freqFactors) {
            this(freqScale, freqFactors, null);
        }

        /**
         * YaRN ({@code rope.scaling.type = yarn}) as llama.cpp's {@code rope_yarn} computes it: pairs below
         * {@code corrLow} keep their extrapolated angle, pairs above {@code corrHigh} are interpolated by the scale,
         * a linear ramp blends those between, and every rotation is lengthened by {@code mscale}.
         */
        public record Yarn(float corrLow, float corrHigh, float mscale) {
            /** llama.cpp's defaults: beta_fast 32, beta_slow 1, attention factor 1. */
            public static Yarn of(int headSize, int originalContext, float base, float freqScale) {
                float low = (float) Math.floor(correctionDim(headSize, originalContext, 32, base));
                float high = (float) Math.ceil(correctionDim(headSize, originalContext, 1, base));
                return new Yarn(
                        Math.max(0, low),
                        Math.min(headSize - 1, high),
                        1.0f + 0.1f * (float) Math.log(1.0f / freqScale));
            }

            /** The pair index whose wavelength turns {@code rotations} times over the original context. */
            private static double correctionDim(int headSize, int originalContext, double rotations, double base) {
                return headSize * Math.log(originalContext / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
            }

            /** How much of pair i's angle is extrapolated rather than interpolated: 1 below the ramp, 0 above. */
            double ramp(int i) {
                double y = (i - corrLow) / Math.max(0.001f, corrHigh - corrLow);
                return 1 - Math.min(1, Math.max(0, y));
            }
        }

        /** Pair {@code i}'s angle at position {@code pos}, {@code base^(-2i/headSize)} per position. */
        public double theta(int pos, int i, double base, int headSize) {
            double theta = pos * Math.pow(base, -2.0 * i / headSize);
            if (freqFactors != null) {
                theta /= freqFactors[i];
            }
            if (yarn == null) {
                return theta * freqScale;
            }
            double ramp = yarn.ramp(i);
            return theta * freqScale * (1 - ramp) + theta * ramp;
        }

        /** What every rotation's cosine and sine are multiplied by: YaRN's magnitude scaling, else 1. */
        public double magnitude() {
            return yarn == null ? 1.0 : yarn.mscale();
        }
    }

    /** A config with plain RoPE. */
    public LlamaConfig(
            int dim,
            int hiddenDim,
            int layers,
            int heads,
            int kvHeads,
            int vocabSize,
            int contextLength,
            float ropeBase,
            float rmsEps) {
        this(
                dim,
                hiddenDim,
                layers,
                heads,
                kvHeads,
                vocabSize,
                contextLength,
                ropeBase,
                rmsEps,
                RopeScaling.NONE,
                RopeStyle.ADJACENT,
                0,
                BlockRules.LLAMA);
    }

    public LlamaConfig {
        if (rules == null) {
            rules = BlockRules.LLAMA;
        }
        if (rules.slidingLayers() != null && rules.slidingLayers().length != layers) {
            throw new IllegalArgumentException(
                    "sliding layers given for " + rules.slidingLayers().length + " layers, the model has " + layers);
        }
        if (ropeScaling == null) {
            ropeScaling = RopeScaling.NONE;
        }
        if (ropeStyle == null) {
            ropeStyle = RopeStyle.ADJACENT;
        }
        if (headDim < 0) {
            throw new IllegalArgumentException("head size must be positive (0: dim / heads), got " + headDim);
        }
        if (dim <= 0
                || hiddenDim <= 0
                || layers <= 0
                || heads <= 0
                || kvHeads <= 0
                || vocabSize <= 0
                || contextLength <= 0) {
            throw new IllegalArgumentException("every size must be positive: " + this);
        }
        if (headDim == 0 && dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not a multiple of the head count " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(
                    "head count " + heads + " is not a multiple of the KV head count " + kvHeads);
        }
        if (headDim == 0) {
            headDim = dim / heads;
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head size " + headDim + " must be even for rotary embeddings");
        }
        if (ropeScaling.freqFactors() != null && ropeScaling.freqFactors().length != headDim / 2) {
            throw new IllegalArgumentException("rope_freqs has " + ropeScaling.freqFactors().length
                    + " factors; the head size " + headDim + " rotates " + headDim / 2 + " pairs");
        }
    }

    /** Values per attention head: {@code key_length} when the file sets it, else dim / heads. */
    public int headSize() {
        return headDim;
    }

    /** Width of the queries and of the attention output: heads × head size (dim unless the head size is set). */
    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headSize();
    }
}
