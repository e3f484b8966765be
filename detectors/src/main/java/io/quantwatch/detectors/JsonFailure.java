package io.quantwatch.detectors;

/** How a model's JSON output failed, in the order operators meet these failures under quantization. */
public enum JsonFailure {
    /** Valid JSON, nothing around it, schema satisfied if one was given. */
    NONE,
    /** The output is empty or only whitespace. */
    EMPTY,
    /** No JSON object or array anywhere in the output. */
    NO_JSON,
    /** A comma right before a closing brace or bracket. */
    TRAILING_COMMA,
    /** Missing, extra or mismatched closing braces or brackets. */
    UNBALANCED_BRACKETS,
    /** The output stops mid-value: cut off by the token limit or an early end of sequence. */
    TRUNCATED,
    /** Valid JSON with prose before or after it, or around its code fence. */
    TEXT_OUTSIDE_JSON,
    /** A backslash escape JSON does not allow, or a raw control character inside a string. */
    INVALID_ESCAPE,
    /** The same key twice in one object. */
    DUPLICATE_KEY,
    /** Valid JSON that breaks the request's JSON Schema. */
    SCHEMA_MISMATCH,
    /** Any other syntax error. */
    OTHER_SYNTAX
}
