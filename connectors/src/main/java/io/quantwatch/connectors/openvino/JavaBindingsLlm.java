package io.quantwatch.connectors.openvino;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A stateful LLM run through the openvino_contrib Java bindings ({@code org.intel.openvino}), for
 * users who have built them. They are not on Maven Central, so they are reached by reflection and
 * only when present on the classpath; the API used is {@code Core.read_model/compile_model/
 * set_property}, {@code CompiledModel.create_infer_request}, {@code InferRequest.set_tensor/infer/
 * get_tensor}, {@code Tensor(int[], long[] | int[])}, {@code Tensor.get_shape/data}. Older builds
 * without {@code InferRequest.set_tensor(String, Tensor)} cannot feed a four-input stateful LLM and
 * are refused with that reason.
 */
final class JavaBindingsLlm implements CompiledLlm {
    static final String CORE_CLASS = "org.intel.openvino.Core";

    private final Object compiled;

    private JavaBindingsLlm(Object compiled) {
        this.compiled = compiled;
    }

    /** True when the Java bindings are on the classpath. */
    static boolean available() {
        try {
            Class.forName(CORE_CLASS, false, JavaBindingsLlm.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** A new {@code org.intel.openvino.Core}, loading the bindings' native library first. */
    static Object newCore() {
        Class<?> core = type(CORE_CLASS);
        try {
            Object name = core.getField("NATIVE_LIBRARY_NAME").get(null);
            System.loadLibrary((String) name);
        } catch (ReflectiveOperationException | UnsatisfiedLinkError e) {
            // Builds that bundle their natives unpack them themselves.
            find(core, "loadNativeLibs").ifPresent(m -> call(null, m));
        }
        try {
            return core.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw failure("org.intel.openvino.Core()", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new OpenVinoUnavailableException(
                    "the OpenVINO Java bindings on the classpath have no Core() constructor: " + e);
        }
    }

    static JavaBindingsLlm compile(Object core, Path xml, String device, Map<String, String> properties) {
        requireSetTensor();
        Object model = call(core, method(core.getClass(), "read_model", String.class), xml.toString());
        Class<?> modelType = model.getClass();
        Object compiled = find(core.getClass(), "compile_model", modelType, String.class, Map.class)
                .map(m -> call(core, m, model, device, properties))
                .orElseGet(() -> {
                    if (!properties.isEmpty()) {
                        call(
                                core,
                                method(core.getClass(), "set_property", String.class, Map.class),
                                device,
                                properties);
                    }
                    return call(core, method(core.getClass(), "compile_model", modelType, String.class), model, device);
                });
        return new JavaBindingsLlm(compiled);
    }

    private static void requireSetTensor() {
        Class<?> request = type("org.intel.openvino.InferRequest");
        if (find(request, "set_tensor", String.class, type("org.intel.openvino.Tensor"))
                .isEmpty()) {
            throw new OpenVinoUnavailableException(
                    "these OpenVINO Java bindings have no InferRequest.set_tensor(String, Tensor), which a "
                            + "stateful LLM needs for its four inputs: update openvino_contrib, or set openvino.binding: c-api");
        }
    }

    @Override
    public Session newSession() {
        return new BindingSession(call(compiled, method(compiled.getClass(), "create_infer_request")));
    }

    /** One infer request of the Java bindings and the tokens fed to it. */
    private static final class BindingSession implements Session {
        private final Object request;
        private long past;

        BindingSession(Object request) {
            this.request = request;
        }

        @Override
        public Logits feed(int[] tokens) {
            StatefulInputs in = StatefulInputs.next(past, tokens);
            int n = tokens.length;
            set("input_ids", tensor(new int[] {1, n}, in.ids()));
            set("attention_mask", tensor(new int[] {1, (int) (past + n)}, in.mask()));
            set("position_ids", tensor(new int[] {1, n}, in.positions()));
            set("beam_idx", tensor(new int[] {1}, new int[] {0}));
            call(request, method(request.getClass(), "infer"));
            past += n;
            Object logits = call(request, method(request.getClass(), "get_tensor", String.class), "logits");
            int[] shape = (int[]) call(logits, method(logits.getClass(), "get_shape"));
            float[] data = (float[]) call(logits, method(logits.getClass(), "data"));
            return new ArrayLogits(shape[shape.length - 2], shape[shape.length - 1], data);
        }

        private void set(String name, Object tensor) {
            call(request, method(request.getClass(), "set_tensor", String.class, tensor.getClass()), name, tensor);
        }

        @Override
        public void close() {
            find(request.getClass(), "release").ifPresent(m -> call(request, m));
        }
    }

    /** Logits the bindings already copied into a Java array. */
    private record ArrayLogits(int rows, int vocab, float[] data) implements Logits {
        @Override
        public float[] row(int row, float[] into) {
            System.arraycopy(data, row * vocab, into, 0, vocab);
            return into;
        }

        @Override
        public void close() {}
    }

    private static Object tensor(int[] dims, Object data) {
        Class<?> tensor = type("org.intel.openvino.Tensor");
        try {
            return tensor.getConstructor(int[].class, data.getClass()).newInstance(dims, data);
        } catch (InvocationTargetException e) {
            throw failure("org.intel.openvino.Tensor()", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new OpenVinoUnavailableException("the OpenVINO Java bindings have no Tensor(int[], "
                    + data.getClass().getSimpleName()
                    + ") constructor: update openvino_contrib, or set openvino.binding: c-api");
        }
    }

    private static Class<?> type(String name) {
        try {
            return Class.forName(name, true, JavaBindingsLlm.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new OpenVinoUnavailableException(
                    "the OpenVINO Java bindings are incomplete: " + name + " is missing");
        }
    }

    private static Optional<Method> find(Class<?> type, String name, Class<?>... params) {
        try {
            return Optional.of(type.getMethod(name, params));
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    private static Method method(Class<?> type, String name, Class<?>... params) {
        return find(type, name, params)
                .orElseThrow(() -> new OpenVinoUnavailableException(
                        "the OpenVINO Java bindings have no " + type.getName() + "." + name + Arrays.toString(params)
                                + ": update openvino_contrib, or set openvino.binding: c-api"));
    }

    private static Object call(Object target, Method m, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw failure(m.getDeclaringClass().getName() + "." + m.getName(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OpenVinoException failure(String function, Throwable cause) {
        OpenVinoException e =
                new OpenVinoException(function, -1, cause.getClass().getSimpleName(), cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
