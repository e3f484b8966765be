package io.quantwatch.llamacpp;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code struct llama_batch} (56 bytes on x86-64): arrays of one entry per token, passed by value to llama_decode. */
@FieldOrder({"n_tokens", "token", "embd", "pos", "n_seq_id", "seq_id", "logits"})
public class LlamaBatch extends Structure {
    public int n_tokens;
    public Pointer token;
    public Pointer embd;
    public Pointer pos;
    public Pointer n_seq_id;
    public Pointer seq_id;
    public Pointer logits;

    /** Where JNA puts a field, for the layout test. */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }

    /** Passed by value, as llama.h does. */
    public static class ByValue extends LlamaBatch implements Structure.ByValue {}
}
