package io.quantwatch.connectors.kafka;

import io.quantwatch.schemas.PromptEvent;

/** The outcome of decoding one prompt record: a valid event, or the reason it goes to the dead-letter topic. */
public sealed interface DecodedPrompt {

    /** A record that decoded and passed validation. */
    record Valid(PromptEvent event) implements DecodedPrompt {}

    /**
     * A record the monitor cannot use.
     *
     * @param reason    what is wrong, naming the field and the fix
     * @param errorKind a short machine-readable class of the problem
     */
    record Invalid(String reason, String errorKind) implements DecodedPrompt {}
}
