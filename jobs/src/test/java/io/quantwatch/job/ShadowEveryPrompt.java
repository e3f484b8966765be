package io.quantwatch.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Settings the integration tests start from: the bundled model as reference, every prompt sampled, no tenant limit. */
final class ShadowEveryPrompt {
    private ShadowEveryPrompt() {}

    /** These settings followed by {@code more} ({@code key.path=value}, as {@code --set} takes them). */
    static List<String> settings(String... more) {
        List<String> s = new ArrayList<>(List.of(
                "reference.model="
                        + Path.of(System.getProperty("quantwatch.root", "."))
                                .resolve("models/quantwatch-demo-f16.gguf"),
                "sampling.rate=1",
                "sampling.per-tenant-per-second=1000",
                "sampling.max-per-second=100000",
                "sampling.burst=1000"));
        s.addAll(List.of(more));
        return s;
    }
}
