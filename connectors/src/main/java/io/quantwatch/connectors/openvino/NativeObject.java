package io.quantwatch.connectors.openvino;

import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An object the OpenVINO C API allocated: used only while open, freed exactly once by
 * {@link #close()} (a second close does nothing; use after close is an error, not a crash).
 */
public abstract class NativeObject implements AutoCloseable {
    private final OpenVinoRuntime runtime;
    private final Pointer handle;
    private final String kind;
    private final AtomicBoolean closed = new AtomicBoolean();

    protected NativeObject(OpenVinoRuntime runtime, Pointer handle, String kind) {
        if (handle == null) {
            throw new OpenVinoException("creating a " + kind, -15, "UNKNOWN_C_ERROR", "the call succeeded but returned no object");
        }
        this.runtime = runtime;
        this.handle = handle;
        this.kind = kind;
    }

    protected final OpenVinoRuntime runtime() {
        return runtime;
    }

    protected final Pointer handle() {
        if (closed.get()) {
            throw new IllegalStateException("this OpenVINO " + kind + " is already closed");
        }
        return handle;
    }

    /** Releases the native object through its C API free function. */
    protected abstract void free(Pointer p);

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            free(handle);
        }
    }
}
