package io.quantwatch.connectors.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The meter registry of this JVM: every operator of the job in one task manager reports into it,
 * and it serves one Prometheus endpoint (and optionally pushes OTLP). Created once per JVM on first
 * use, like the model cache, because Flink instantiates operators many times per JVM while a port
 * can be bound only once.
 */
public final class JvmMeterRegistry {
    private static JvmMeterRegistry instance;

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final HttpServer server;
    private final PrometheusMeterRegistry prometheus;
    private final DriftMeters driftMeters = new DriftMeters(registry);

    private JvmMeterRegistry(MetricsSettings settings) {
        if (settings.prometheusEnabled()) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.add(prometheus);
            try {
                server = HttpServer.create(
                        new InetSocketAddress(settings.prometheusHost(), settings.prometheusPort()), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot open the Prometheus endpoint on " + settings.prometheusHost() + ":"
                                + settings.prometheusPort()
                                + " (metrics.prometheus.port): choose a free port, or 0 for any",
                        e);
            }
            server.createContext("/metrics", exchange -> {
                byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        } else {
            prometheus = null;
            server = null;
        }
        if (settings.otlpUrl() != null && !settings.otlpUrl().isBlank()) {
            Map<String, String> props = Map.of(
                    "otlp.url",
                    settings.otlpUrl(),
                    "otlp.step",
                    settings.otlpStep().toMillis() + "ms");
            OtlpConfig config = props::get;
            registry.add(new OtlpMeterRegistry(config, Clock.SYSTEM));
        }
        // process_uptime_seconds / process_start_time_seconds: the "dark" rule waits until a monitor has run long
        // enough for its first windows to close.
        new UptimeMetrics().bindTo(registry);
        if (registry.getRegistries().isEmpty()) {
            // A composite without members records nothing; keep counts in memory so the JVM can still read them.
            registry.add(new SimpleMeterRegistry());
        }
    }

    /** This JVM's registry, created with {@code settings} on first call; later calls share it. */
    public static synchronized JvmMeterRegistry get(MetricsSettings settings) {
        if (instance == null) {
            instance = new JvmMeterRegistry(settings);
        }
        return instance;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The window and alert gauges of this JVM (one set, whichever operator instance reports). */
    public DriftMeters driftMeters() {
        return driftMeters;
    }

    /** The scrape URL, or null when Prometheus is off. */
    public String scrapeUrl() {
        if (server == null) {
            return null;
        }
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort() + "/metrics";
    }

    /** The scrape text now (for tests and the demo), or empty when Prometheus is off. */
    public String scrape() {
        return prometheus == null ? "" : prometheus.scrape();
    }

    /** Stops the endpoint and forgets the registry (the demo and tests call this at shutdown). */
    public static synchronized void shutdown() {
        if (instance != null) {
            if (instance.server != null) {
                instance.server.stop(0);
            }
            instance.registry.close();
            instance = null;
        }
    }
}
