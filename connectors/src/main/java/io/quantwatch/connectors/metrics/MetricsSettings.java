package io.quantwatch.connectors.metrics;

import java.io.Serializable;
import java.time.Duration;

/**
 * Where the monitor's meters go: a Prometheus scrape endpoint (loopback by default, so nothing is
 * exposed unless an operator opens it) and, optionally, OTLP push.
 *
 * @param prometheusPort 0 picks a free port (printed at start)
 * @param otlpUrl        OTLP/HTTP metrics endpoint, or null for no push
 */
public record MetricsSettings(
        boolean prometheusEnabled, String prometheusHost, int prometheusPort, String otlpUrl, Duration otlpStep)
        implements Serializable {

    public static MetricsSettings disabled() {
        return new MetricsSettings(false, "127.0.0.1", 0, null, Duration.ofSeconds(30));
    }
}
