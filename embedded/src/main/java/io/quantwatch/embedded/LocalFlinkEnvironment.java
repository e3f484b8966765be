package io.quantwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster environment in this JVM whose REST API listens on a known loopback port, so a
 * benchmark or test can read the running job's checkpoint statistics ({@link CheckpointStats}).
 */
public record LocalFlinkEnvironment(StreamExecutionEnvironment env, String restUrl) {

    public static LocalFlinkEnvironment create(int parallelism, Configuration conf) {
        int port = freePort();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, String.valueOf(port));
        conf.set(RestOptions.PORT, port);
        return new LocalFlinkEnvironment(
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf), "http://127.0.0.1:" + port);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for Flink's REST API", e);
        }
    }
}
