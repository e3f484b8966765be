package io.quantwatch.llamacpp;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct llama_model_quantize_params} as the bundled build's llama.h declares it (64 bytes on x86-64). C
 * {@code bool} fields are {@code byte}s. {@code LlamaLayoutTest} checks every offset against the header.
 */
@FieldOrder({
    "nthread",
    "ftype",
    "output_tensor_type",
    "token_embedding_type",
    "allow_requantize",
    "quantize_output_tensor",
    "only_copy",
    "pure",
    "keep_split",
    "dry_run",
    "imatrix",
    "kv_overrides",
    "tt_overrides",
    "prune_layers",
    "max_buf_size"
})
public class LlamaQuantizeParams extends Structure {
    public int nthread;
    public int ftype;
    public int output_tensor_type;
    public int token_embedding_type;
    public byte allow_requantize;
    public byte quantize_output_tensor;
    public byte only_copy;
    public byte pure;
    public byte keep_split;
    public byte dry_run;
    public Pointer imatrix;
    public Pointer kv_overrides;
    public Pointer tt_overrides;
    public Pointer prune_layers;
    public long max_buf_size;

    /** Where JNA puts a field, for the layout test. */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }

    /** Returned by value by {@code llama_model_quantize_default_params}. */
    public static class ByValue extends LlamaQuantizeParams implements Structure.ByValue {}

    /** Passed by pointer to {@code llama_model_quantize}. */
    public static class ByReference extends LlamaQuantizeParams implements Structure.ByReference {}
}
