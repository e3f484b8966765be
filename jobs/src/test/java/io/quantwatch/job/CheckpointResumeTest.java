package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restart resumes from the newest completed checkpoint or savepoint, never from one without metadata. */
class CheckpointResumeTest {

    private static Path state(Path root, String dir, long modifiedMillis, boolean complete) throws Exception {
        Path d = Files.createDirectories(root.resolve(dir));
        if (complete) {
            Files.setLastModifiedTime(
                    Files.writeString(d.resolve("_metadata"), "x"), FileTime.fromMillis(modifiedMillis));
        }
        return d;
    }

    @Test
    void theNewestCompletedStateWins(@TempDir Path root) throws Exception {
        assertThat(CheckpointResume.latest(root.resolve("missing").toString())).isEmpty();
        assertThat(CheckpointResume.latest(root.toString())).isEmpty();
        state(root, "job-a/chk-7", 1_000, true);
        Path savepoint = state(root, "savepoints/savepoint-1234-abcdef", 2_000, true);
        state(root, "job-b/chk-3", 3_000, false); // in progress: no metadata yet
        assertThat(CheckpointResume.latest(root.toUri().toString())).contains(savepoint);
        Path newer = state(root, "job-b/chk-4", 4_000, true);
        assertThat(CheckpointResume.latest(root.toString())).contains(newer);
    }
}
