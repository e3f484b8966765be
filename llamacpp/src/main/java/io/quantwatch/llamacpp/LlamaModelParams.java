package io.quantwatch.llamacpp;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct llama_model_params} as the bundled build's llama.h declares it (80 bytes on x86-64; {@code vocab_only}
 * at offset 72). C {@code bool} fields are {@code byte}s. {@code LlamaLayoutTest} checks every offset against the header.
 */
@FieldOrder({
    "devices",
    "tensor_buft_overrides",
    "n_gpu_layers",
    "split_mode",
    "load_mode",
    "lazy_mode",
    "main_gpu",
    "tensor_split",
    "progress_callback",
    "progress_callback_user_data",
    "kv_overrides",
    "vocab_only",
    "check_tensors",
    "use_extra_bufts",
    "no_host",
    "no_alloc",
    "load_mtp"
})
public class LlamaModelParams extends Structure {
    public Pointer devices;
    public Pointer tensor_buft_overrides;
    public int n_gpu_layers;
    public int split_mode;
    public int load_mode;
    public int lazy_mode;
    public int main_gpu;
    public Pointer tensor_split;
    public Pointer progress_callback;
    public Pointer progress_callback_user_data;
    public Pointer kv_overrides;
    public byte vocab_only;
    public byte check_tensors;
    public byte use_extra_bufts;
    public byte no_host;
    public byte no_alloc;
    public byte load_mtp;

    /** {@code enum llama_load_mode}: memory-map the file. */
    public static final int LOAD_MODE_MMAP = 1;

    /** Where JNA puts a field, for the layout test. */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }

    /** Passed and returned by value, as llama.h does. */
    public static class ByValue extends LlamaModelParams implements Structure.ByValue {}
}
