package io.quantwatch.connectors.openvino;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenVINO C library loaded through JNA, with every status checked: a failing call becomes an
 * {@link OpenVinoException} carrying the function, the status and OpenVINO's last error message
 * (which the C API allocates and this class frees).
 */
public final class OpenVinoRuntime {
    private final OpenVinoC c;
    private final Path library;

    private OpenVinoRuntime(OpenVinoC c, Path library) {
        this.c = c;
        this.library = library;
    }

    /** Loads the library at {@code file}. */
    public static OpenVinoRuntime load(Path file) {
        try {
            return new OpenVinoRuntime(Native.load(file.toAbsolutePath().toString(), OpenVinoC.class), file);
        } catch (UnsatisfiedLinkError e) {
            throw new OpenVinoUnavailableException(
                    "cannot load the OpenVINO C library " + file + ": " + e.getMessage()
                            + " (its folder must also hold libopenvino.so and the device plugins; run setupvars.sh of an archive install)",
                    e);
        }
    }

    /** Locates ({@link OpenVinoLibraryLocator}) and loads the library. */
    public static OpenVinoRuntime locateAndLoad(String explicitPath) {
        return load(new OpenVinoLibraryLocator().locate(explicitPath, System.getenv()));
    }

    public Path library() {
        return library;
    }

    OpenVinoC c() {
        return c;
    }

    /** Throws unless {@code status} is OK. */
    void check(int status, String function) {
        if (status == 0) {
            return;
        }
        String detail = null;
        try {
            Pointer message = c.ov_get_last_err_msg();
            if (message != null) {
                try {
                    detail = message.getString(0, StandardCharsets.UTF_8.name());
                } finally {
                    c.ov_free(message);
                }
            }
        } catch (UnsatisfiedLinkError before2024) {
            detail = "(this OpenVINO predates ov_get_last_err_msg, 2024.0; only the status is known)";
        }
        throw new OpenVinoException(function, status, c.ov_get_error_info(status), detail);
    }

    /** A new OpenVINO core; close it after the models compiled with it. */
    public Core newCore() {
        PointerByReference out = new PointerByReference();
        check(c.ov_core_create(out), "ov_core_create");
        return new Core(this, out.getValue());
    }

    /** {@code ov_core_t}: reads models, compiles them for a device, lists devices. */
    public static final class Core extends NativeObject {
        Core(OpenVinoRuntime rt, Pointer handle) {
            super(rt, handle, "core", OpenVinoC::ov_core_free);
        }

        public List<String> availableDevices() {
            OpenVinoC.AvailableDevices d = new OpenVinoC.AvailableDevices();
            runtime().check(runtime().c().ov_core_get_available_devices(handle(), d), "ov_core_get_available_devices");
            try {
                d.read();
                List<String> names = new ArrayList<>();
                if (d.size > 0) {
                    for (Pointer p : d.devices.getPointerArray(0, (int) d.size)) {
                        names.add(p.getString(0, StandardCharsets.UTF_8.name()));
                    }
                }
                return names;
            } finally {
                runtime().c().ov_available_devices_free(d);
            }
        }

        public Model readModel(Path xml) {
            PointerByReference out = new PointerByReference();
            runtime()
                    .check(runtime().c().ov_core_read_model(handle(), xml.toString(), null, out), "ov_core_read_model");
            return new Model(runtime(), out.getValue());
        }

        /** Compiles for {@code device} with {@code properties} (string keys and values, as ov_property.h names them). */
        public CompiledModel compile(Model model, String device, Map<String, String> properties) {
            Object[] args = new Object[properties.size() * 2];
            int i = 0;
            for (Map.Entry<String, String> e : properties.entrySet()) {
                args[i++] = e.getKey();
                args[i++] = e.getValue();
            }
            PointerByReference out = new PointerByReference();
            runtime()
                    .check(
                            runtime()
                                    .c()
                                    .ov_core_compile_model(handle(), model.handle(), device, args.length, out, args),
                            "ov_core_compile_model(" + device + ")");
            return new CompiledModel(runtime(), out.getValue());
        }
    }

    /** {@code ov_model_t}: a model read from IR; may be freed once compiled. */
    public static final class Model extends NativeObject {
        Model(OpenVinoRuntime rt, Pointer handle) {
            super(rt, handle, "model", OpenVinoC::ov_model_free);
        }
    }

    /** {@code ov_compiled_model_t}: a model compiled for one device; creates infer requests. */
    public static final class CompiledModel extends NativeObject {
        CompiledModel(OpenVinoRuntime rt, Pointer handle) {
            super(rt, handle, "compiled model", OpenVinoC::ov_compiled_model_free);
        }

        /** A new infer request; for a stateful model it starts with empty state. */
        public InferRequest newRequest() {
            PointerByReference out = new PointerByReference();
            runtime()
                    .check(
                            runtime().c().ov_compiled_model_create_infer_request(handle(), out),
                            "ov_compiled_model_create_infer_request");
            return new InferRequest(runtime(), out.getValue());
        }
    }
}
