package io.quantwatch.llamacpp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * llama.cpp's own quantizer ({@code llama-quantize}, through {@code llama_model_quantize}): the Q4_K_M, Q5_K_M, Q8_0 or
 * IQ4 file a team would serve, made from an F16/F32 GGUF by the same code their tools use.
 */
public final class LlamaCppQuantizer {

    /** {@code enum llama_ftype}: the file types teams serve. */
    public enum FileType {
        Q4_0(2),
        Q8_0(7),
        Q4_K_M(15),
        Q5_K_M(17),
        IQ4_NL(25),
        IQ4_XS(30);

        final int value;

        FileType(int value) {
            this.value = value;
        }

        /** As llama-quantize spells it ({@code Q4_K_M}, case-insensitive). */
        public static FileType parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown llama.cpp file type '" + name + "'; one of " + Arrays.toString(values()));
            }
        }
    }

    private LlamaCppQuantizer() {}

    /** Writes {@code output}: {@code input} quantized to {@code type} with {@code threads} threads. */
    public static void quantize(Path input, Path output, FileType type, int threads) {
        if (!Files.isRegularFile(input)) {
            throw new LlamaCppException("no GGUF file at " + input);
        }
        LlamaLibrary llama = LlamaNatives.get().library();
        LlamaQuantizeParams.ByValue defaults = llama.llama_model_quantize_default_params();
        LlamaQuantizeParams.ByReference params = new LlamaQuantizeParams.ByReference();
        // llama.cpp's defaults, byte for byte, then the two settings this call makes.
        defaults.write();
        params.getPointer().write(0, defaults.getPointer().getByteArray(0, defaults.size()), 0, defaults.size());
        params.read();
        params.ftype = type.value;
        params.nthread = threads;
        params.write();
        LlamaNatives.drainLog();
        int status = llama.llama_model_quantize(
                input.toAbsolutePath().toString(), output.toAbsolutePath().toString(), params);
        if (status != 0) {
            throw new LlamaCppException(
                    "llama.cpp could not quantize " + input + " to " + type + ": " + LlamaNatives.drainLog());
        }
    }
}
