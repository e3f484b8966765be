package io.quantwatch.connectors.openvino;

/** A failed OpenVINO C API call: which function, its status, and OpenVINO's own message. */
public final class OpenVinoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int status;

    public OpenVinoException(String function, int status, String statusName, String detail) {
        super(function + " failed with " + statusName + " (" + status + ")"
                + (detail == null || detail.isBlank() ? "" : ": " + detail));
        this.function = function;
        this.status = status;
    }

    public String function() {
        return function;
    }

    public int status() {
        return status;
    }
}
