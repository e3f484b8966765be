package io.quantwatch.llamacpp;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The bundled llama.cpp, loaded once per JVM: its shared libraries are copied out of the jar into a directory of the
 * temporary folder named by their hash (they find each other there through their {@code $ORIGIN} run path), ggml picks
 * the CPU variant for this machine, and llama.cpp's log is kept per thread so that a refusal can say what it said.
 */
public final class LlamaNatives {
    /** The llama.cpp commit the struct layouts of this binding were read from. */
    public static final String LLAMA_CPP_COMMIT = "5b4ebc5";

    private static final String RESOURCES = "/io/quantwatch/llamacpp/linux-x86-64/";
    private static final String LLAMA = "libllama.v0.4.0.so";
    private static final String GGML = "libggml.v0.4.0.so";
    private static final List<String> LIBRARIES = List.of(
            "libggml-base.so",
            GGML,
            LLAMA,
            "libggml-cpu-x64.so",
            "libggml-cpu-sse42.so",
            "libggml-cpu-sandybridge.so",
            "libggml-cpu-ivybridge.so",
            "libggml-cpu-piledriver.so",
            "libggml-cpu-haswell.so",
            "libggml-cpu-skylakex.so",
            "libggml-cpu-cannonlake.so",
            "libggml-cpu-cascadelake.so",
            "libggml-cpu-icelake.so",
            "libggml-cpu-cooperlake.so",
            "libggml-cpu-zen4.so",
            "libggml-cpu-alderlake.so",
            "libggml-cpu-sapphirerapids.so");
    private static final String COMPLETE = ".complete";
    private static final int LOG_LINES_KEPT = 40;
    private static final int LEVEL_WARN = 3;
    private static final int LEVEL_CONT = 5;

    // Per-JVM: a native library cannot be unloaded, so it is loaded once and shared by every model.
    private static volatile LlamaNatives instance;

    // Strongly held for the JVM's life: llama.cpp keeps the function pointer.
    private static final LlamaLibrary.LogCallback LOG = LlamaNatives::log;
    private static final ThreadLocal<Deque<String>> RECENT_LOG = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ThreadLocal<Integer> LAST_LEVEL = ThreadLocal.withInitial(() -> 0);

    private final LlamaLibrary llama;
    private final Path directory;

    private LlamaNatives(LlamaLibrary llama, Path directory) {
        this.llama = llama;
        this.directory = directory;
    }

    /** The loaded library; the first call copies and loads it. */
    public static LlamaNatives get() {
        LlamaNatives loaded = instance;
        if (loaded == null) {
            synchronized (LlamaNatives.class) {
                loaded = instance;
                if (loaded == null) {
                    loaded = load();
                    instance = loaded;
                }
            }
        }
        return loaded;
    }

    public LlamaLibrary library() {
        return llama;
    }

    /** Where the shared libraries were copied. */
    public Path directory() {
        return directory;
    }

    /** What llama.cpp logged at warning level or above on this thread since the last call, oldest first. */
    public static String drainLog() {
        Deque<String> lines = RECENT_LOG.get();
        String text = String.join("", lines).strip();
        lines.clear();
        return text;
    }

    private static LlamaNatives load() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new LlamaCppException("the bundled llama.cpp is built for Linux x86-64; this JVM runs on " + os + " "
                    + arch + ": run the llama.cpp backend on Linux x86-64 TaskManagers");
        }
        Path dir = extract();
        GgmlLibrary ggml = Native.load(dir.resolve(GGML).toString(), GgmlLibrary.class);
        LlamaLibrary llama = Native.load(dir.resolve(LLAMA).toString(), LlamaLibrary.class);
        llama.llama_log_set(LOG, null);
        if (ggml.ggml_backend_dev_count() == 0) {
            // Not yet in this process: a job loaded again by a new classloader finds ggml's registry filled.
            ggml.ggml_backend_load_all_from_path(dir.toString());
        }
        if (ggml.ggml_backend_dev_count() == 0) {
            throw new LlamaCppException(
                    "llama.cpp found no CPU backend it can run on this machine in " + dir + ": " + drainLog());
        }
        llama.llama_backend_init();
        return new LlamaNatives(llama, dir);
    }

    /**
     * The libraries in {@code java.io.tmpdir/quantwatch-llamacpp-COMMIT-HASH}, copied there once: a directory named by
     * the libraries' own hash is shared by every JVM and every job classloader on the host (a resubmitted job opens the
     * same files, which the dynamic loader then does not load twice). A copy is made in a directory of its own and
     * moved into place whole, so two processes starting at once never see half a directory.
     */
    private static Path extract() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String name : LIBRARIES) {
                sha.update(resource(name));
            }
            String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            Path dir = tmp.resolve("quantwatch-llamacpp-" + LLAMA_CPP_COMMIT + "-" + hash);
            if (Files.isRegularFile(dir.resolve(COMPLETE))) {
                return dir;
            }
            Path staging = Files.createTempDirectory(tmp, "quantwatch-llamacpp-staging-");
            for (String name : LIBRARIES) {
                Files.write(staging.resolve(name), resource(name));
            }
            Files.writeString(staging.resolve(COMPLETE), hash);
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another process moved its copy first (or a stale, incomplete directory is in the way).
                if (!Files.isRegularFile(dir.resolve(COMPLETE))) {
                    throw new UncheckedIOException(
                            "cannot place the llama.cpp libraries in " + dir
                                    + " (remove it if it is left from an interrupted start)",
                            raced);
                }
                deleteQuietly(staging);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the llama.cpp libraries to a temporary directory", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = LlamaNatives.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new LlamaCppException("the llama.cpp library " + name
                        + " is missing from the quantwatch-llamacpp jar (rebuild it with npm available)");
            }
            return in.readAllBytes();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover staging directory in tmp is harmless
        }
    }

    private static void log(int level, String text, Pointer userData) {
        int effective = level == LEVEL_CONT ? LAST_LEVEL.get() : level;
        LAST_LEVEL.set(effective);
        if (effective >= LEVEL_WARN && text != null) {
            Deque<String> lines = RECENT_LOG.get();
            lines.addLast(text);
            while (lines.size() > LOG_LINES_KEPT) {
                lines.removeFirst();
            }
        }
    }
}
