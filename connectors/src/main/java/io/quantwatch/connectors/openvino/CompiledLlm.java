package io.quantwatch.connectors.openvino;

/**
 * A stateful LLM compiled for one device, whichever binding runs it (the C API through JNA, or the
 * openvino_contrib Java bindings). Each session is a fresh infer request: empty KV state.
 */
public interface CompiledLlm {

    Session newSession();

    /** One sequence being fed. */
    interface Session extends AutoCloseable {
        /** Appends {@code tokens} to the state; returns their logits (close them before the next feed). */
        Logits feed(int[] tokens);

        @Override
        void close();
    }

    /** Logits of the tokens just fed: one row of vocabulary size per token. */
    interface Logits extends AutoCloseable {
        int rows();

        int vocab();

        float[] row(int row, float[] into);

        @Override
        void close();
    }
}
