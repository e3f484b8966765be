package io.quantwatch.connectors.openvino;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;

/**
 * The subset of the OpenVINO C API ({@code openvino/c/*.h}, OpenVINO 2023.1 and later) the openvino
 * backend calls, as a JNA interface. Every function returning {@code int} returns an
 * {@code ov_status_e} (0 = OK). {@code size_t} is mapped to {@code long}: 64-bit Linux and macOS.
 * Callers go through {@link OpenVinoRuntime}, which checks statuses and frees what it creates.
 */
public interface OpenVinoC extends Library {

    /** {@code ov_element_type_e} values used here. */
    int F32 = 5;

    int I32 = 10;
    int I64 = 11;

    int ov_core_create(PointerByReference core);

    void ov_core_free(Pointer core);

    int ov_core_get_available_devices(Pointer core, AvailableDevices devices);

    void ov_available_devices_free(AvailableDevices devices);

    int ov_core_read_model(Pointer core, String modelPath, String binPath, PointerByReference model);

    void ov_model_free(Pointer model);

    /** Properties follow as {@code propertyArgs} strings: key, value, key, value … */
    int ov_core_compile_model(
            Pointer core,
            Pointer model,
            String device,
            long propertyArgs,
            PointerByReference compiled,
            Object... properties);

    void ov_compiled_model_free(Pointer compiled);

    int ov_compiled_model_create_infer_request(Pointer compiled, PointerByReference request);

    void ov_infer_request_free(Pointer request);

    int ov_infer_request_set_tensor(Pointer request, String name, Pointer tensor);

    int ov_infer_request_get_tensor(Pointer request, String name, PointerByReference tensor);

    int ov_infer_request_infer(Pointer request);

    int ov_tensor_create_from_host_ptr(
            int elementType, Shape.ByValue shape, Pointer hostData, PointerByReference tensor);

    int ov_tensor_data(Pointer tensor, PointerByReference data);

    /** Allocates {@code shape.dims}: release with {@link #ov_shape_free}. */
    int ov_tensor_get_shape(Pointer tensor, Shape shape);

    /** The tensor's {@code ov_element_type_e} ({@link #F32}, …). */
    int ov_tensor_get_element_type(Pointer tensor, com.sun.jna.ptr.IntByReference type);

    int ov_shape_free(Shape shape);

    void ov_tensor_free(Pointer tensor);

    /** A static description of a status; never freed. */
    String ov_get_error_info(int status);

    /** The last failure's message, allocated: release with {@link #ov_free}. Null when there is none. */
    Pointer ov_get_last_err_msg();

    void ov_free(Pointer content);

    /** {@code ov_shape_t}: rank and a pointer to rank int64 dimensions. */
    @Structure.FieldOrder({"rank", "dims"})
    class Shape extends Structure {
        public long rank;
        public Pointer dims;

        /** Passed by value, as {@code ov_tensor_create_from_host_ptr} takes it. */
        public static class ByValue extends Shape implements Structure.ByValue {}
    }

    /** {@code ov_available_devices_t}: an array of device names. */
    @Structure.FieldOrder({"devices", "size"})
    class AvailableDevices extends Structure {
        public Pointer devices;
        public long size;
    }
}
