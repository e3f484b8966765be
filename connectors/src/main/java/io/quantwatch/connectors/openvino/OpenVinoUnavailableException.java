package io.quantwatch.connectors.openvino;

/** OpenVINO cannot be used here: the library, a model file or a device is missing. The message says what to do. */
public final class OpenVinoUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OpenVinoUnavailableException(String message) {
        super(message);
    }

    public OpenVinoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
