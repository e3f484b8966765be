package de.kherud.llama;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Gives llama.cpp's server a prompt as token ids. java-llama.cpp only exposes a text prompt, but
 * the server it wraps accepts a JSON array of ids; this class lives in the binding's package to
 * reach its parameter map. Used by QuantWatch's oracle only.
 */
public final class TokenIdPrompt {
    private TokenIdPrompt() {}

    public static InferenceParameters withTokens(InferenceParameters params, int[] tokens) {
        params.parameters.put(
                "prompt", Arrays.stream(tokens).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
        return params;
    }
}
