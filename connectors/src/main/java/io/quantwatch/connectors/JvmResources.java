package io.quantwatch.connectors;

import io.quantwatch.connectors.engine.ModelCache;
import io.quantwatch.connectors.kafka.ConsumerGroupLag;
import io.quantwatch.connectors.llamacpp.LlamaCppModels;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.openvino.OpenVinoPipelines;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * The job's per-JVM resources — the metrics endpoint and its registry, the consumer-lag poller, the engine, llama.cpp and
 * OpenVINO caches — released when Flink releases the job's user-code classloader. On a session cluster the TaskManager outlives
 * the job: without this, a cancelled job keeps port 9464 bound (the next job's endpoint cannot start), its threads
 * running and its classes loaded.
 */
public final class JvmResources {
    /** One hook per classloader, whichever operator registers it first. */
    static final String HOOK = "quantwatch-jvm-resources";

    private JvmResources() {}

    /**
     * Registers the release with the job's classloader (once per classloader; every operator may call it), when the
     * job's classes came with the job. When they share Flink's own classloader (a MiniCluster, {@code quantwatch run}
     * or {@code demo} in one JVM) the resources belong to that program, which releases them itself.
     */
    public static void releaseWithJob(RuntimeContext context) {
        if (loadedWithTheJob()) {
            context.registerUserCodeClassLoaderReleaseHookIfAbsent(HOOK, JvmResources::releaseAll);
        }
    }

    /** As above, from a (de)serialization schema's context. */
    public static void releaseWithJob(UserCodeClassLoader classLoader) {
        if (loadedWithTheJob()) {
            classLoader.registerReleaseHookIfAbsent(HOOK, JvmResources::releaseAll);
        }
    }

    /** Whether these classes were loaded by a job's user-code classloader rather than with Flink's. */
    static boolean loadedWithTheJob() {
        return JvmResources.class.getClassLoader() != RuntimeContext.class.getClassLoader();
    }

    /** Stops and forgets everything this JVM holds for the job. Safe to call twice. */
    public static void releaseAll() {
        ConsumerGroupLag.stopRunning();
        JvmMeterRegistry.shutdown();
        ModelCache.clear();
        LlamaCppModels.clear();
        OpenVinoPipelines.releaseAll();
    }
}
