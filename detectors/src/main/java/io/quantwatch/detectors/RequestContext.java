package io.quantwatch.detectors;

/**
 * What the request asked for that detectors need: a JSON response format (with an optional JSON
 * Schema), a sentence-count constraint, and the tools offered (OpenAI's tools array as JSON text, or null).
 */
public record RequestContext(boolean jsonRequested, String jsonSchema, Integer requiredSentences, String toolsJson) {

    /** A request that offered no tools. */
    public RequestContext(boolean jsonRequested, String jsonSchema, Integer requiredSentences) {
        this(jsonRequested, jsonSchema, requiredSentences, null);
    }

    public static RequestContext none() {
        return new RequestContext(false, null, null, null);
    }
}
