package io.quantwatch.detectors;

/**
 * What the request asked for that detectors need: a JSON response format (with an optional JSON
 * Schema) and a sentence-count constraint.
 */
public record RequestContext(boolean jsonRequested, String jsonSchema, Integer requiredSentences) {

    public static RequestContext none() {
        return new RequestContext(false, null, null);
    }
}
