package io.quantwatch.engine.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A weight-compression recipe in the words of {@code optimum-cli export openvino}: a mode
 * ({@code int8}, {@code int4}, {@code nf4}, {@code fp8_e4m3}) followed by options
 * ({@code sym}/{@code asym}, {@code group=N}, {@code ratio=R}, {@code all_layers},
 * {@code backup=int8_asym|int8_sym|none}). Defaults follow optimum-cli: asymmetric, group 128 for
 * 4-bit modes, channel-wise for 8-bit modes, ratio 1.0, backup INT8_ASYM (INT8_SYM with {@code sym}).
 */
public record QuantRecipe(
        QuantMode mode, int groupSize, double ratio, boolean allLayers, Backup backup, GroupFallback groupFallback) {

    /** What embeddings, the output layer and the layers left out by {@code ratio} become. */
    public enum Backup {
        INT8_ASYM,
        INT8_SYM,
        NONE
    }

    /**
     * What to do with a weight whose row length the group size does not divide, as optimum-cli's
     * {@code --group-size-fallback}: refuse the recipe (the default), keep that weight in the backup precision, or
     * use the largest group size of at least 32 that divides the row (the backup precision if none does).
     */
    public enum GroupFallback {
        ERROR,
        IGNORE,
        ADJUST
    }

    /** The smallest group size {@link GroupFallback#ADJUST} adjusts down to. */
    public static final int MIN_ADJUSTED_GROUP = 32;

    public static final String GRAMMAR = "<mode> [sym|asym] [group=<N>|group=-1] [ratio=<0..1>] [all_layers] "
            + "[backup=int8_asym|int8_sym|none] [group_fallback=error|ignore|adjust]; modes: int8, int4, nf4, fp8_e4m3 "
            + "(e.g. \"int8 sym\", \"int4 sym group=128 ratio=0.8\", \"int4 sym group=-1\", \"nf4\", \"fp8_e4m3\")";

    /** A recipe that refuses a weight its group size does not fit. */
    public QuantRecipe(QuantMode mode, int groupSize, double ratio, boolean allLayers, Backup backup) {
        this(mode, groupSize, ratio, allLayers, backup, GroupFallback.ERROR);
    }

    public QuantRecipe {
        if (groupFallback == null) {
            throw new IllegalArgumentException("group fallback must be error, ignore or adjust");
        }
        if (ratio <= 0 || ratio > 1) {
            throw new IllegalArgumentException("ratio must be in (0, 1], got " + ratio);
        }
        if (groupSize == 0 || groupSize < -1) {
            throw new IllegalArgumentException("group must be a positive size or -1 (channel-wise), got " + groupSize);
        }
    }

    /** Splits a ';'-separated list of recipe strings (as the CLI takes them), dropping blanks; each is validated. */
    public static List<String> splitList(String recipes) {
        List<String> out = new ArrayList<>();
        for (String r : recipes.split(";")) {
            if (!r.isBlank()) {
                parse(r); // fail early, naming the bad recipe
                out.add(r.strip());
            }
        }
        return out;
    }

    public static QuantRecipe parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty recipe; expected " + GRAMMAR);
        }
        String[] words = text.trim().toLowerCase(Locale.ROOT).split("[\\s,]+");
        String modeWord = words[0];
        Boolean sym = null;
        Integer group = null;
        double ratio = 1.0;
        boolean allLayers = false;
        Backup backup = null;
        GroupFallback fallback = GroupFallback.ERROR;
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            try {
                if (w.equals("sym")) {
                    sym = true;
                } else if (w.equals("asym")) {
                    sym = false;
                } else if (w.equals("all_layers")) {
                    allLayers = true;
                } else if (w.startsWith("group=") || w.startsWith("group_size=")) {
                    group = Integer.parseInt(w.substring(w.indexOf('=') + 1));
                } else if (w.startsWith("ratio=")) {
                    ratio = Double.parseDouble(w.substring(6));
                } else if (w.startsWith("group_fallback=") || w.startsWith("group_size_fallback=")) {
                    fallback = GroupFallback.valueOf(
                            w.substring(w.indexOf('=') + 1).toUpperCase(Locale.ROOT));
                } else if (w.startsWith("backup=") || w.startsWith("backup_mode=")) {
                    backup = Backup.valueOf(w.substring(w.indexOf('=') + 1).toUpperCase(Locale.ROOT));
                } else {
                    throw new IllegalArgumentException(
                            "unknown option '" + w + "' in recipe '" + text + "'; expected " + GRAMMAR);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "option '" + w + "' in recipe '" + text + "' needs a number; expected " + GRAMMAR);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("unknown option")) {
                    throw e;
                }
                throw new IllegalArgumentException(
                        "option '" + w + "' in recipe '" + text + "' is invalid; expected " + GRAMMAR);
            }
        }
        QuantMode mode;
        switch (modeWord) {
            case "int8", "int8_asym", "int8_sym" -> {
                boolean s = modeWord.equals("int8_sym") || Boolean.TRUE.equals(sym);
                mode = s ? QuantMode.INT8_SYM : QuantMode.INT8_ASYM;
            }
            case "int4", "int4_asym", "int4_sym" -> {
                boolean s = modeWord.equals("int4_sym") || Boolean.TRUE.equals(sym);
                mode = s ? QuantMode.INT4_SYM : QuantMode.INT4_ASYM;
            }
            case "nf4" -> mode = QuantMode.NF4;
            case "fp8_e4m3", "fp8" -> mode = QuantMode.FP8_E4M3;
            default ->
                throw new IllegalArgumentException(
                        "unknown mode '" + modeWord + "' in recipe '" + text + "'; expected " + GRAMMAR);
        }
        int g = group != null ? group : (mode.bits() == 4 ? 128 : -1);
        if (!mode.primaryWithBackup() && ratio != 1.0) {
            throw new IllegalArgumentException(
                    "ratio applies to 4-bit and FP8 modes only (NNCF compresses every layer in " + mode + "); recipe '"
                            + text + "'");
        }
        Backup b = backup != null ? backup : (Boolean.TRUE.equals(sym) ? Backup.INT8_SYM : Backup.INT8_ASYM);
        return new QuantRecipe(mode, g, ratio, allLayers, b, fallback);
    }

    /**
     * Refuses a recipe a device cannot run: the NPU compiler's 4-bit matmul kernels assume a zero
     * point of 0, so asymmetric 4-bit weights are rejected for NPU.
     */
    public void requireSupportedOn(String device) {
        if (device != null && device.trim().toUpperCase(Locale.ROOT).startsWith("NPU") && mode == QuantMode.INT4_ASYM) {
            throw new IllegalArgumentException(
                    "recipe '" + this + "' uses INT4_ASYM weights, which the NPU cannot run: its "
                            + "4-bit matmul kernels assume a zero point of 0. Use 'int4 sym' (group=128 or group=-1) for NPU.");
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(
                switch (mode) {
                    case INT8_SYM -> "int8 sym";
                    case INT8_ASYM -> "int8 asym";
                    case INT4_SYM -> "int4 sym";
                    case INT4_ASYM -> "int4 asym";
                    case NF4 -> "nf4";
                    case FP8_E4M3 -> "fp8_e4m3";
                });
        s.append(" group=").append(groupSize);
        if (ratio != 1.0) {
            s.append(" ratio=").append(ratio);
        }
        if (allLayers) {
            s.append(" all_layers");
        }
        if (mode.primaryWithBackup()) {
            s.append(" backup=").append(backup.name().toLowerCase(Locale.ROOT));
        }
        if (groupFallback != GroupFallback.ERROR) {
            s.append(" group_fallback=").append(groupFallback.name().toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }
}
