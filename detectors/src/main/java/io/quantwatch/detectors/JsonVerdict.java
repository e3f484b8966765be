package io.quantwatch.detectors;

import java.io.Serializable;

/**
 * The classifier's finding on one output: the failure class (NONE when valid), a human-readable detail, and the
 * JSON document's text when one parsed (with prose around it or against the schema too), else null.
 */
public record JsonVerdict(JsonFailure failure, String detail, String document) implements Serializable {

    public JsonVerdict(JsonFailure failure, String detail) {
        this(failure, detail, null);
    }

    public boolean valid() {
        return failure == JsonFailure.NONE;
    }

    /** Syntactically parseable JSON, possibly with text around it or a schema mismatch. */
    public boolean parseable() {
        return failure == JsonFailure.NONE
                || failure == JsonFailure.TEXT_OUTSIDE_JSON
                || failure == JsonFailure.SCHEMA_MISMATCH;
    }

    static JsonVerdict of(JsonFailure failure, String detail) {
        return new JsonVerdict(failure, detail, null);
    }
}
