package io.quantwatch.security;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Lets Kafka clients resolve {@code ${env:NAME}} and {@code ${file:/path}} themselves, when they are created (on the
 * TaskManagers, in {@code quantwatch review}): the references travel through Flink as text and the secret exists only
 * inside the client. Kafka's own {@code ${provider:key}} syntax is the project's, so the text is passed unchanged.
 */
public final class KafkaSecretProviders {
    private KafkaSecretProviders() {}

    /**
     * The client properties with the two providers declared when a value references them. A team that declares its
     * own {@code config.providers} keeps them: then {@code env}/{@code file} must be among them.
     */
    public static Map<String, String> withProviders(Map<String, String> properties) {
        Map<String, String> out = new HashMap<>(properties);
        boolean referenced = properties.values().stream().anyMatch(SecretReference::hasReference);
        if (referenced && !properties.containsKey("config.providers")) {
            out.put("config.providers", "env,file");
            out.put("config.providers.env.class", Env.class.getName());
            out.put("config.providers.file.class", File.class.getName());
        }
        return out;
    }

    /** A provider that resolves each key on its own, refusing an unresolvable one with the reference's message. */
    private abstract static class PerKey implements ConfigProvider {
        abstract String resolve(String key);

        @Override
        public void configure(Map<String, ?> configs) {}

        @Override
        public ConfigData get(String path) {
            return new ConfigData(Map.of());
        }

        @Override
        public ConfigData get(String path, Set<String> keys) {
            Map<String, String> data = new HashMap<>();
            for (String key : keys) {
                try {
                    data.put(key, resolve(key));
                } catch (SecretReference.SecretReferenceException e) {
                    throw new ConfigException(e.getMessage());
                }
            }
            return new ConfigData(data);
        }

        @Override
        public void close() {}
    }

    /** {@code ${env:NAME}}: the environment variable NAME of the process that creates the client. */
    public static final class Env extends PerKey {
        @Override
        String resolve(String name) {
            return SecretReference.env(name, System::getenv);
        }
    }

    /** {@code ${file:/path}}: the whole content of the file (one trailing newline dropped). */
    public static final class File extends PerKey {
        @Override
        String resolve(String path) {
            return SecretReference.file(path);
        }
    }
}
