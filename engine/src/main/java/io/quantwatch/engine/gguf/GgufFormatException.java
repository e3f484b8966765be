package io.quantwatch.engine.gguf;

import java.nio.file.Path;

/** A model file that cannot be read: corrupt, truncated, or using something the engine does not support. */
public class GgufFormatException extends RuntimeException {
    public GgufFormatException(Path file, String message) {
        super(file + ": " + message);
    }
}
