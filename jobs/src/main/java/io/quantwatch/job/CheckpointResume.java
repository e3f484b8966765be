package io.quantwatch.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds what a restart resumes from: the newest completed checkpoint ({@code <job id>/chk-N/_metadata}) or savepoint
 * ({@code savepoints/savepoint-…/_metadata}) under the configured checkpoint directory (local file systems).
 */
public final class CheckpointResume {
    private CheckpointResume() {}

    /** The newest restorable state under {@code checkpointDir} (a path or a file:// URI), or empty. */
    public static Optional<Path> latest(String checkpointDir) {
        Path root = checkpointDir.startsWith("file:") ? Path.of(URI.create(checkpointDir)) : Path.of(checkpointDir);
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files =
                Files.find(root, 3, (p, a) -> p.getFileName().toString().equals("_metadata") && a.isRegularFile())) {
            return files.filter(m -> {
                        String dir = m.getParent().getFileName().toString();
                        return dir.startsWith("chk-") || dir.startsWith("savepoint-");
                    })
                    .max(Comparator.comparing(CheckpointResume::modified))
                    .map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + " (checkpoint-dir)", e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
