package io.quantwatch.job.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quantwatch.security.SecretMask;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.util.TimeUtils;

/**
 * Reads the configuration: the bundled defaults, then the user's YAML file over them, then
 * {@code key.path=value} overrides from the command line, then binds and validates. Unknown keys
 * are errors (a misspelt key silently ignored is the worst kind of configuration bug).
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .registerModule(new SimpleModule()
                    .addDeserializer(Duration.class, new DurationText())
                    .addSerializer(Duration.class, new ToStringSerializerBase(Duration.class) {
                        @Override
                        public String valueToString(Object value) {
                            return TimeUtils.formatWithHighestUnit((Duration) value);
                        }
                    }));

    private ConfigLoader() {}

    /** Defaults + optional file + overrides, validated. */
    public static MonitorConfig load(Path file, List<String> overrides) {
        ObjectNode tree = defaults();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("--config", "no such file: " + file.toAbsolutePath());
            }
            try {
                JsonNode user = YAML.readTree(file.toFile());
                if (user != null && !user.isMissingNode() && !user.isNull()) {
                    if (!user.isObject()) {
                        throw new ConfigException(
                                file.toString(), "the top level must be a mapping of sections (kafka:, sampling:, …)");
                    }
                    merge(tree, (ObjectNode) user);
                }
            } catch (JsonProcessingException e) {
                throw new ConfigException(file.toString(), "not valid YAML: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (String o : overrides) {
            applyOverride(tree, o);
        }
        return bind(tree).validate();
    }

    /**
     * The configuration as YAML, in the file format (what {@code run --print-config} shows), every secret-looking
     * value masked ({@code ${env:…}}/{@code ${file:…}} references are shown: they say where a secret is, not what).
     */
    public static String toYaml(MonitorConfig config) {
        try {
            // Records serialize their components only, not derived views.
            JsonNode tree = YAML.valueToTree(config);
            mask(tree);
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print the configuration", e);
        }
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getValue().isTextual()) {
                    f.setValue(
                            o.textNode(SecretMask.value(f.getKey(), f.getValue().asText())));
                } else {
                    mask(f.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(ConfigLoader::mask);
        }
    }

    static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/quantwatch-defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled quantwatch-defaults.yaml is unreadable", e);
        }
    }

    /** The values a configuration enum accepts, as written in YAML ({@code @JsonProperty} of each constant). */
    private static List<String> wireNames(Class<?> type) {
        return Arrays.stream(type.getFields())
                .filter(Field::isEnumConstant)
                .map(f -> f.isAnnotationPresent(JsonProperty.class)
                        ? f.getAnnotation(JsonProperty.class).value()
                        : f.getName())
                .toList();
    }

    private static MonitorConfig bind(ObjectNode tree) {
        try {
            return YAML.treeToValue(tree, MonitorConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null
                    ? ""
                    : e.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", "));
            throw new ConfigException(path(e.getPath()), "unknown key; known keys here: " + known);
        } catch (InvalidFormatException e) {
            if (e.getTargetType() != null && e.getTargetType().isEnum()) {
                throw new ConfigException(
                        path(e.getPath()), "'" + e.getValue() + "' is not one of " + wireNames(e.getTargetType()));
            }
            throw new ConfigException(path(e.getPath()), e.getOriginalMessage());
        } catch (JsonMappingException e) {
            throw new ConfigException(path(e.getPath()), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException("config", e.getOriginalMessage());
        }
    }

    /** {@code a.b.c=value}: the value is parsed as YAML, so numbers, booleans and lists keep their type. */
    private static void applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException(
                    "--set " + SecretMask.text(override), "expected key.path=value, e.g. sampling.rate=0.2");
        }
        // Dots separate levels; "\\." keeps a dot inside a key (Kafka client properties:
        // kafka.properties.sasl\\.mechanism=...).
        String[] keys = override.substring(0, eq).trim().split("(?<!\\\\)\\.");
        for (int i = 0; i < keys.length; i++) {
            keys[i] = keys[i].replace("\\.", ".");
        }
        JsonNode value;
        try {
            value = YAML.readTree(override.substring(eq + 1).isEmpty() ? "\"\"" : override.substring(eq + 1));
        } catch (JsonProcessingException e) {
            // Neither the override nor the parser's message (which quotes it) may show a secret.
            throw new ConfigException(
                    "--set " + SecretMask.assignment(override),
                    SecretMask.isSecretKey(override.substring(0, eq))
                            ? "the value is not valid YAML (not shown: the key looks secret); quote it"
                            : "the value is not valid YAML: " + e.getOriginalMessage());
        }
        ObjectNode node = tree;
        for (int i = 0; i < keys.length - 1; i++) {
            JsonNode child = node.get(keys[i]);
            if (child == null || !child.isObject()) {
                child = node.putObject(keys[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(keys[keys.length - 1], value);
    }

    /** Deep merge of mappings; lists and scalars from {@code over} replace those in {@code base}. */
    private static void merge(ObjectNode base, ObjectNode over) {
        Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = base.get(f.getKey());
            if (existing instanceof ObjectNode eo && f.getValue() instanceof ObjectNode fo) {
                merge(eo, fo);
            } else {
                base.set(f.getKey(), f.getValue());
            }
        }
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "config" : sb.toString();
    }

    /** Durations as operators write them: 30s, 5min, 500ms, 1h (Flink's syntax). */
    private static final class DurationText extends StdDeserializer<Duration> {
        DurationText() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
                return TimeUtils.parseDuration(text);
            } catch (RuntimeException e) {
                throw JsonMappingException.from(p, "'" + text + "' is not a duration; write e.g. 30s, 5min, 500ms");
            }
        }
    }
}
