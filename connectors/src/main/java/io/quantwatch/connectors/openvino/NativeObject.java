package io.quantwatch.connectors.openvino;

import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * An object the OpenVINO C API allocated: used only while open, freed exactly once by
 * {@link #close()} (a second close does nothing; use after close is an error, not a crash).
 */
public abstract class NativeObject implements AutoCloseable {
    private final OpenVinoRuntime runtime;
    private final Pointer handle;
    private final String kind;
    private final BiConsumer<OpenVinoC, Pointer> free;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param free the C API function that releases this kind of object, e.g. {@code OpenVinoC::ov_model_free} */
    protected NativeObject(OpenVinoRuntime runtime, Pointer handle, String kind, BiConsumer<OpenVinoC, Pointer> free) {
        if (handle == null) {
            throw new OpenVinoException(
                    "creating a " + kind, -15, "UNKNOWN_C_ERROR", "the call succeeded but returned no object");
        }
        this.runtime = runtime;
        this.handle = handle;
        this.kind = kind;
        this.free = free;
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

    /** Runs once, after the native object is freed: release what depended on it. */
    protected void afterFree() {}

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            free.accept(runtime.c(), handle);
            afterFree();
        }
    }
}
