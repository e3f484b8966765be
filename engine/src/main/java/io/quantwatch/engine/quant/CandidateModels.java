package io.quantwatch.engine.quant;

import io.quantwatch.engine.model.LlamaConfig;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.tokenizer.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The candidate a recipe string names: {@code reference} (the reference itself, an A/A control), {@code file:<path>}
 * (a GGUF file quantized elsewhere, e.g. a published llama.cpp Q4_K_M of the same model), or a quantization recipe
 * applied to the reference ({@link QuantRecipe}).
 */
public final class CandidateModels {
    private static final String FILE = "file:";

    private CandidateModels() {}

    public static boolean isReference(String recipe) {
        return recipe.trim().toLowerCase(Locale.ROOT).equals("reference");
    }

    public static boolean isFile(String recipe) {
        return recipe.trim().startsWith(FILE);
    }

    /** The path of a {@code file:} candidate. */
    public static Path file(String recipe) {
        String path = recipe.trim().substring(FILE.length()).trim();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("'" + recipe + "' names no file; write file:<path to a .gguf>");
        }
        return Path.of(path);
    }

    /**
     * Checks a candidate against the reference before anything runs: a recipe's group sizes against the shapes
     * ({@link RecipeApplier#groupSizes}); a file candidate's existence (its shapes are checked when it is built).
     */
    public static void checkRecipe(LlamaModel reference, String recipe) {
        if (isReference(recipe)) {
            return;
        }
        if (isFile(recipe)) {
            Path f = file(recipe);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(
                        "candidate file " + f.toAbsolutePath() + " not found (" + recipe + ")");
            }
            return;
        }
        RecipeApplier.groupSizes(reference, QuantRecipe.parse(recipe));
    }

    /** Builds (loads, or quantizes) the candidate; a file candidate must be the reference's model in another format. */
    public static LlamaModel build(LlamaModel reference, String recipe) {
        if (isReference(recipe)) {
            return reference;
        }
        if (isFile(recipe)) {
            checkRecipe(reference, recipe);
            LlamaModel candidate = LlamaModel.load(file(recipe));
            requireSameModel(reference, candidate, recipe);
            return candidate;
        }
        return RecipeApplier.apply(reference, QuantRecipe.parse(recipe)).model();
    }

    /** Same shapes and the same vocabulary: token ids mean the same text in both, so they can be compared. */
    static void requireSameModel(LlamaModel reference, LlamaModel candidate, String recipe) {
        LlamaConfig r = reference.config();
        LlamaConfig c = candidate.config();
        String[][] fields = {
            {"embedding length", "" + r.dim(), "" + c.dim()},
            {"feed-forward length", "" + r.hiddenDim(), "" + c.hiddenDim()},
            {"layers", "" + r.layers(), "" + c.layers()},
            {"heads", r.heads() + "/" + r.kvHeads(), c.heads() + "/" + c.kvHeads()},
            {"head size", "" + r.headSize(), "" + c.headSize()},
            {"vocabulary size", "" + r.vocabSize(), "" + c.vocabSize()}
        };
        for (String[] f : fields) {
            if (!f[1].equals(f[2])) {
                throw mismatch(recipe, f[0] + " " + f[2] + " vs the reference's " + f[1]);
            }
        }
        Vocabulary rv = reference.tokenizer().vocabulary();
        Vocabulary cv = candidate.tokenizer().vocabulary();
        for (int i = 0; i < rv.size(); i++) {
            if (!rv.token(i).equals(cv.token(i))) {
                throw mismatch(
                        recipe, "token " + i + " is '" + cv.token(i) + "' vs the reference's '" + rv.token(i) + "'");
            }
        }
        if (rv.bos() != cv.bos() || rv.eos() != cv.eos()) {
            throw mismatch(
                    recipe,
                    "BOS/EOS " + cv.bos() + "/" + cv.eos() + " vs the reference's " + rv.bos() + "/" + rv.eos());
        }
    }

    private static IllegalArgumentException mismatch(String recipe, String what) {
        return new IllegalArgumentException("candidate " + recipe + " is not the reference's model in another format: "
                + what + "; a file candidate must be the same model quantized (same shapes and vocabulary)");
    }
}
