package io.quantwatch.connectors.openvino;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds {@code libopenvino_c.so}: an explicit path (configuration or {@code OPENVINO_LIB}, a file or
 * a folder), then an OpenVINO archive ({@code INTEL_OPENVINO_DIR}, {@code /opt/intel/openvino}),
 * then a {@code pip install openvino} ({@code site-packages/openvino/libs}). Every place looked at is
 * kept, so a failure can list them.
 */
public final class OpenVinoLibraryLocator {
    private static final String LIBRARY = "libopenvino_c.so";

    private final List<String> tried = new ArrayList<>();

    /** The library file, or an exception listing every place tried and how to install OpenVINO. */
    public Path locate(String explicit, Map<String, String> env) {
        List<Path> candidates = new ArrayList<>();
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        } else {
            if (env.get("OPENVINO_LIB") != null) {
                candidates.add(Path.of(env.get("OPENVINO_LIB")));
            }
            if (env.get("INTEL_OPENVINO_DIR") != null) {
                candidates.add(Path.of(env.get("INTEL_OPENVINO_DIR"), "runtime", "lib", "intel64"));
            }
            candidates.add(Path.of("/opt/intel/openvino/runtime/lib/intel64"));
            for (String root :
                    List.of("/usr/lib", "/usr/local/lib", env.getOrDefault("HOME", "/root") + "/.local/lib")) {
                candidates.addAll(pythonPackages(Path.of(root)));
            }
        }
        for (Path c : candidates) {
            Path found = inspect(c);
            if (found != null) {
                return found;
            }
        }
        throw new OpenVinoUnavailableException(
                "the OpenVINO C library (" + LIBRARY + ") was not found; looked at: " + String.join(", ", tried)
                        + ". Install OpenVINO (the archive from https://storage.openvinotoolkit.org, or `pip install openvino`) and set "
                        + "OPENVINO_LIB to the library file or its folder.");
    }

    /** The places looked at so far, in order. */
    public List<String> tried() {
        return List.copyOf(tried);
    }

    private Path inspect(Path candidate) {
        tried.add(candidate.toString());
        if (Files.isRegularFile(candidate)) {
            return candidate;
        }
        if (!Files.isDirectory(candidate)) {
            return null;
        }
        Path plain = candidate.resolve(LIBRARY);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        // pip wheels ship only versioned names, e.g. libopenvino_c.so.2500
        try (DirectoryStream<Path> s = Files.newDirectoryStream(candidate, LIBRARY + ".*")) {
            for (Path p : s) {
                return p;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static List<Path> pythonPackages(Path lib) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(lib)) {
            return out;
        }
        try (DirectoryStream<Path> pythons = Files.newDirectoryStream(lib, "python3*")) {
            for (Path py : pythons) {
                for (String kind : List.of("site-packages", "dist-packages")) {
                    Path libs = py.resolve(kind).resolve("openvino").resolve("libs");
                    if (Files.isDirectory(libs)) {
                        out.add(libs);
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
