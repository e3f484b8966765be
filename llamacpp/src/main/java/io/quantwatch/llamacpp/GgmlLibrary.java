package io.quantwatch.llamacpp;

import com.sun.jna.Library;

/** The one ggml call the binding needs: load the CPU backend variants that sit beside the library. */
public interface GgmlLibrary extends Library {

    /** Loads every {@code libggml-*.so} backend in the directory; ggml keeps the best CPU variant for this machine. */
    void ggml_backend_load_all_from_path(String directory);

    long ggml_backend_dev_count();
}
