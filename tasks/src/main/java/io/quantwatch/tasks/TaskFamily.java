package io.quantwatch.tasks;

/** The four kinds of work the demo model does, each exposing a different quantization failure. */
public enum TaskFamily {
    /** A request turned into exactly one JSON tool call: JSON breaks first under quantization. */
    TOOL_CALL("tool_call"),
    /** Format constraints ("exactly N sentences", "only the value"): instruction-following slips. */
    CONSTRAINED_REPLY("constrained_reply"),
    /** Toy translation with a closed dictionary, rare words, names and code identifiers: rare tokens vanish. */
    TRANSLATION("translation"),
    /** Long templated story continuations: long decodes drift into repetition. */
    LONG_CONTINUATION("long_continuation");

    private final String wireName;

    TaskFamily(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The answer length the family's prompts ask for: room for the longest reference answer. */
    public int maxTokens() {
        return switch (this) {
            case TOOL_CALL -> 160;
            case CONSTRAINED_REPLY -> 80;
            case TRANSLATION -> 60;
            case LONG_CONTINUATION -> 400;
        };
    }
}
