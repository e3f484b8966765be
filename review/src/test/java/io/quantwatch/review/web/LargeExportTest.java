package io.quantwatch.review.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 20 000 labelled samples of 100 KB (50 KB each side, 2 GB in all) exported as JSON Lines by a page running in a
 * 256 MB heap: the export streams from the database (an export that loaded them would need 4 GB of strings), and the
 * page answers other requests while it runs.
 */
class LargeExportTest {

    @Test
    void twoGigabytesExportInA256MegabyteHeapWhileThePageAnswers(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("export.log");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LargeExportInSmallHeap.class.getName(),
                        dir.resolve("store").toString(),
                        "20000",
                        String.valueOf(50 * 1024))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(8, TimeUnit.MINUTES))
                .as("export finished within 8 minutes")
                .isTrue();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        List<String> summary =
                out.lines().filter(l -> l.startsWith("large export:")).toList();
        System.out.println(summary.isEmpty() ? out : summary.get(0));
        assertThat(p.exitValue())
                .as(out.length() > 4000 ? out.substring(out.length() - 4000) : out)
                .isZero();
        assertThat(summary)
                .singleElement()
                .asString()
                .contains("exported_lines=20000")
                .contains("page_failures=0");
    }
}
