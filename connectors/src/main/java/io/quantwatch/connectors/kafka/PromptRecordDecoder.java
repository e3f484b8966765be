package io.quantwatch.connectors.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantwatch.chat.ChatPromptRenderer;
import io.quantwatch.chat.ChatRequest;
import io.quantwatch.chat.ChatRequestException;
import io.quantwatch.chat.ChatRequestReader;
import io.quantwatch.chat.jinja.TemplateException;
import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.detectors.InvalidJsonSchemaException;
import io.quantwatch.detectors.UntrustedJsonSchema;
import io.quantwatch.registry.ConfluentFraming;
import io.quantwatch.registry.FramedAvro;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.registry.SchemaRegistryException;
import io.quantwatch.schemas.AvroLimits;
import io.quantwatch.schemas.CanonicalForm;
import io.quantwatch.schemas.ChatMessage;
import io.quantwatch.schemas.ChatRequestEvent;
import io.quantwatch.schemas.ChatToolCall;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.PromptEventVersions;
import io.quantwatch.schemas.ResponseFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * Turns the bytes of a prompts-topic record into a {@link PromptEvent}, or into the reason it
 * cannot be used. Accepts Avro single-object encoding (magic {@code C3 01} and the schema
 * fingerprint), Schema Registry framing (magic {@code 00} and a schema id, the writer schema fetched from the
 * registry and resolved against the reader's), and JSON objects of the same shape (snake_case fields;
 * {@code event_time} as epoch milliseconds or ISO-8601). Every rejection names the field and the fix. Thread-safe.
 */
public final class PromptRecordDecoder {
    /** Longest generation a prompt may ask for; larger requests are almost always a unit mistake. */
    public static final int MAX_TOKENS_LIMIT = 8192;
    /** Largest record accepted: no model context holds more, and its dead letter must still fit a default producer. */
    public static final int MAX_RECORD_BYTES = 512 * 1024;
    /** Deepest JSON record: a json_schema object ({@value UntrustedJsonSchema#MAX_DEPTH} levels) inside the prompt object. */
    static final int MAX_JSON_DEPTH = UntrustedJsonSchema.MAX_DEPTH + 2;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // a second "tenant" must not silently win
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_JSON_DEPTH)
                    .build())
            .build());
    private static final int SCHEMA_CACHE_SIZE = 256;
    /** PromptEvent in its current schema and every earlier published one (a field added breaks no producer). */
    private static final BinaryMessageDecoder<PromptEvent> PROMPT_EVENTS = PromptEventVersions.decoder();
    /**
     * ChatRequestEvent's single-object fingerprint: which record a C3 01 is (other languages' fingerprints are rewritten
     * to Java's first, see FINGERPRINT_ALIASES).
     */
    private static final long CHAT_FINGERPRINT =
            SchemaNormalization.parsingFingerprint64(ChatRequestEvent.getClassSchema());
    /** Verdicts on request schemas by their text ("" = usable): most requests share a few. */
    private final Map<String, String> schemaVerdicts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > SCHEMA_CACHE_SIZE;
        }
    };

    /** Other languages' fingerprints of the schemas read here, mapped to Java's ({@link CanonicalForm}). */
    private static final Map<Long, Long> FINGERPRINT_ALIASES = CanonicalForm.aliases(java.util.stream.Stream.concat(
                    PromptEventVersions.all().stream(), java.util.stream.Stream.of(ChatRequestEvent.getClassSchema()))
            .toList());

    private static final String JSON_SHAPE =
            "{\"request_id\", \"tenant\", \"model\", \"prompt\", \"event_time\"} required; "
                    + "\"task\", \"response_format\" (text|json), \"json_schema\", \"sentences\", \"max_tokens\", \"stop\" optional";

    static {
        AvroLimits.install();
    }

    private final ChatTemplateLoader.Result chat;
    private final RecordMapping mapping;
    private final SchemaRegistryClient registry;

    /** A decoder that refuses chat requests (no chat template): tests of the templated-prompt path. */
    public PromptRecordDecoder() {
        this(ChatTemplateLoader.Result.NOT_CONFIGURED);
    }

    /** A decoder that renders chat requests with {@code chat}'s renderer, or dead-letters them with its reason. */
    public PromptRecordDecoder(ChatTemplateLoader.Result chat) {
        this(chat, RecordMapping.load(RecordMapping.Settings.none()));
    }

    /** As above, reading the team's own record shape through {@code mapping}. */
    public PromptRecordDecoder(ChatTemplateLoader.Result chat, RecordMapping mapping) {
        this(chat, mapping, null);
    }

    /** As above, reading Schema Registry framed records with writer schemas from {@code registry} (null: none). */
    public PromptRecordDecoder(ChatTemplateLoader.Result chat, RecordMapping mapping, SchemaRegistryClient registry) {
        this.chat = chat;
        this.mapping = mapping;
        this.registry = registry;
    }

    public DecodedPrompt decode(byte[] value) {
        if (value == null || value.length == 0) {
            return new DecodedPrompt.Invalid(
                    "empty record value: send a PromptEvent (Avro single-object encoding) or a JSON object", "EMPTY");
        }
        if (value.length > MAX_RECORD_BYTES) {
            return new DecodedPrompt.Invalid(
                    "record is " + value.length + " bytes; at most " + MAX_RECORD_BYTES
                            + " are accepted (no model context holds more): shorten the prompt",
                    "RECORD_TOO_LARGE");
        }
        if (value.length >= 2 && (value[0] & 0xFF) == 0xC3 && value[1] == 0x01) {
            org.apache.avro.Schema team = mapping.avroSchemaOf(value);
            return team != null ? decodeTeamAvro(value, team) : decodeAvro(value);
        }
        if (ConfluentFraming.isFramed(value)) {
            return decodeFramed(value);
        }
        int first = 0;
        while (first < value.length && Character.isWhitespace(value[first])) {
            first++;
        }
        if (first < value.length && value[first] == '{') {
            return decodeJson(value);
        }
        return new DecodedPrompt.Invalid(
                "neither Avro single-object encoding (bytes C3 01 …), Schema Registry framing (byte 00, a 4-byte schema"
                        + " id) nor a JSON object: send a PromptEvent or a ChatRequestEvent encoded with toByteBuffer()"
                        + " or a registry serializer, a chat-completions request body as JSON"
                        + " ({\"messages\": …} with request_id and event_time beside it), or JSON " + JSON_SHAPE,
                "UNKNOWN_FORMAT");
    }

    private DecodedPrompt decodeAvro(byte[] original) {
        byte[] value = CanonicalForm.withJavaFingerprint(original, FINGERPRINT_ALIASES);
        if (value.length >= 10
                && ByteBuffer.wrap(value, 2, 8)
                                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                                .getLong()
                        == CHAT_FINGERPRINT) {
            return decodeAvroChat(value);
        }
        try {
            return validate(PROMPT_EVENTS.decode(ByteBuffer.wrap(value)));
        } catch (MissingSchemaException e) {
            return new DecodedPrompt.Invalid(
                    "written with an Avro schema this monitor does not know (" + e.getMessage()
                            + "): produce with the PromptEvent schema from quantwatch-schemas, or upgrade the monitor",
                    "UNKNOWN_SCHEMA");
        } catch (AvroRuntimeException | IOException e) { // includes BadHeaderException
            return new DecodedPrompt.Invalid("corrupt Avro PromptEvent: " + e.getMessage(), "CORRUPT_AVRO");
        } catch (RuntimeException e) {
            // Corrupt bodies surface as whatever the reader meets first (an enum index out of bounds, a length past
            // the VM's array limit): all of them mean the bytes are not a PromptEvent. Found by
            // PromptRecordDecoderFuzzTest.
            return new DecodedPrompt.Invalid(
                    "corrupt Avro PromptEvent (" + e.getClass().getSimpleName() + "): " + e.getMessage(),
                    "CORRUPT_AVRO");
        }
    }

    /**
     * A Schema Registry framed record: its writer schema fetched by id (cached), read as the monitor's PromptEvent or
     * ChatRequestEvent when it is one of them (an older or newer version resolves), else as the team's record —
     * resolved against their reader schema of the same name when {@code input.avro-schemas} has one — and mapped.
     */
    private DecodedPrompt decodeFramed(byte[] value) {
        int id = ConfluentFraming.schemaId(value);
        if (registry == null) {
            return new DecodedPrompt.Invalid(
                    "Schema Registry framing (byte 00, schema id " + id + ") but no registry is configured: set"
                            + " schema-registry.url (and its credentials) so the writer schema can be fetched",
                    "SCHEMA_REGISTRY_NOT_CONFIGURED");
        }
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            return registryFailure(id, e);
        }
        String name = writer.getType() == Schema.Type.RECORD
                ? writer.getFullName()
                : writer.getType().getName();
        Schema reader = name.equals(PromptEvent.getClassSchema().getFullName())
                ? PromptEvent.getClassSchema()
                : name.equals(ChatRequestEvent.getClassSchema().getFullName())
                        ? ChatRequestEvent.getClassSchema()
                        : mapping.avroSchemaNamed(name);
        try {
            if (reader == PromptEvent.getClassSchema()) {
                return validate(FramedAvro.readSpecific(value, writer, PromptEvent.class));
            }
            if (reader == ChatRequestEvent.getClassSchema()) {
                return decodeChatEvent(FramedAvro.readSpecific(value, writer, ChatRequestEvent.class));
            }
            if (writer.getType() != Schema.Type.RECORD) {
                return new DecodedPrompt.Invalid(
                        "schema id " + id + " is a " + name + ", not a record: produce a record with the fields of"
                                + " PromptEvent, ChatRequestEvent, or map yours with input.fields",
                        "UNKNOWN_SCHEMA");
            }
            JsonNode n = RecordMapping.asJson(FramedAvro.readGeneric(value, writer, reader));
            return mapping.mapsFields() ? mapped(n) : decodeTree(n);
        } catch (AvroTypeException e) {
            return new DecodedPrompt.Invalid(
                    "schema id " + id + " (" + name + ") cannot be read as "
                            + (reader == null ? "written" : "the reader schema " + reader.getFullName()) + ": "
                            + e.getMessage() + ": evolve the schema compatibly (new fields need defaults)",
                    "INCOMPATIBLE_SCHEMA");
        } catch (IOException | RuntimeException e) {
            return new DecodedPrompt.Invalid(
                    "corrupt Avro " + name + " behind schema id " + id + " ("
                            + e.getClass().getSimpleName() + "): " + e.getMessage(),
                    "CORRUPT_AVRO");
        }
    }

    /** A registry that could not give the writer schema: the record is dead-lettered whole, with what to do. */
    private DecodedPrompt registryFailure(int id, SchemaRegistryException e) {
        return switch (e.kind()) {
            case UNAVAILABLE ->
                new DecodedPrompt.Invalid(
                        "the writer schema (id " + id + ") could not be fetched: " + e.getMessage()
                                + ". The record is kept whole here: replay it from the dead-letter topic once the registry"
                                + " answers",
                        "SCHEMA_REGISTRY_UNAVAILABLE");
            case ACCESS_DENIED ->
                new DecodedPrompt.Invalid(
                        "the writer schema (id " + id + ") could not be fetched: " + e.getMessage(),
                        "SCHEMA_REGISTRY_ACCESS_DENIED");
            case NOT_FOUND ->
                new DecodedPrompt.Invalid(
                        registry.describe() + " has no schema with id " + id + " (" + e.getMessage() + "): the producer"
                                + " uses another registry than schema-registry.url, or the schema was deleted",
                        "UNKNOWN_SCHEMA_ID");
            case UNUSABLE -> new DecodedPrompt.Invalid(e.getMessage(), "UNUSABLE_SCHEMA");
        };
    }

    private DecodedPrompt decodeJson(byte[] value) {
        JsonNode n;
        try {
            n = JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (StreamConstraintsException e) {
            return new DecodedPrompt.Invalid(
                    "invalid JSON: nested deeper than " + MAX_JSON_DEPTH
                            + " levels (in json_schema or any other field): flatten the structure",
                    "INVALID_JSON");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            return new DecodedPrompt.Invalid("invalid JSON" + where + ": " + e.getOriginalMessage(), "INVALID_JSON");
        }
        if (!n.isObject()) {
            return new DecodedPrompt.Invalid(
                    "a prompt record must be a JSON object; JSON shape: " + JSON_SHAPE, "INVALID_JSON");
        }
        return mapping.mapsFields() ? mapped(n) : decodeTree(n);
    }

    /** A team's record read through {@code input.fields}: the reasons of what it lacks name the paths. */
    private DecodedPrompt mapped(JsonNode n) {
        DecodedPrompt d = decodeTree(mapping.apply(n));
        return d instanceof DecodedPrompt.Invalid i
                ? new DecodedPrompt.Invalid(mapping.explain(i.reason()), i.errorKind())
                : d;
    }

    /** A team's single-object Avro record ({@code input.avro-schemas}), mapped like its JSON would be. */
    private DecodedPrompt decodeTeamAvro(byte[] value, org.apache.avro.Schema schema) {
        JsonNode n;
        try {
            n = RecordMapping.avroAsJson(value, schema);
        } catch (IOException | RuntimeException e) {
            return new DecodedPrompt.Invalid(
                    "corrupt Avro " + schema.getFullName() + " (" + e.getClass().getSimpleName() + "): "
                            + e.getMessage(),
                    "CORRUPT_AVRO");
        }
        return mapped(n);
    }

    /** A JSON object in the monitor's shape: a prompt record, or a chat request. */
    private DecodedPrompt decodeTree(JsonNode n) {
        if (ChatRequestReader.isChatRequest(n) || ChatRequestReader.isChatRequest(n.get("request"))) {
            return decodeChat(n);
        }
        try {
            PromptEvent.Builder b = PromptEvent.newBuilder()
                    .setRequestId(requiredText(n, "request_id"))
                    .setTenant(requiredText(n, "tenant"))
                    .setModel(requiredText(n, "model"))
                    .setPrompt(requiredText(n, "prompt"))
                    .setEventTime(eventTime(n));
            if (n.hasNonNull("task")) {
                b.setTask(requiredText(n, "task"));
            }
            if (n.hasNonNull("response_format")) {
                String f = requiredText(n, "response_format").toUpperCase(Locale.ROOT);
                if (!f.equals("TEXT") && !f.equals("JSON")) {
                    throw new FieldError("field 'response_format' must be \"text\" or \"json\", got \""
                            + n.get("response_format").asText() + "\"");
                }
                b.setResponseFormat(ResponseFormat.valueOf(f));
            }
            if (n.hasNonNull("json_schema")) {
                JsonNode s = n.get("json_schema");
                b.setJsonSchema(s.isTextual() ? s.asText() : s.toString());
            }
            if (n.hasNonNull("sentences")) {
                b.setSentences(integer(n, "sentences", 1, 100));
            }
            if (n.hasNonNull("max_tokens")) {
                b.setMaxTokens(integer(n, "max_tokens", 1, MAX_TOKENS_LIMIT));
            }
            if (n.hasNonNull("stop")) {
                b.setStop(stop(n.get("stop")));
            }
            return validate(b.build());
        } catch (FieldError e) {
            return new DecodedPrompt.Invalid(e.getMessage(), "INVALID_FIELD");
        } catch (AvroRuntimeException e) {
            return new DecodedPrompt.Invalid(
                    "incomplete prompt: " + e.getMessage() + "; JSON shape: " + JSON_SHAPE, "INVALID_FIELD");
        }
    }

    /**
     * A chat-completions request body, at the top level or under {@code request}, with the monitor's envelope fields
     * beside it ({@code request_id}, {@code event_time}, {@code tenant}, {@code task}; {@code metadata} and
     * {@code user}/{@code model}/{@code created} of the body stand in for missing ones), rendered with the model's
     * chat template into the prompt.
     */
    private DecodedPrompt decodeChat(JsonNode n) {
        JsonNode body = n.has("messages") ? n : n.get("request");
        String path = n.has("messages") ? "" : "request.";
        try {
            ChatRequest request = ChatRequestReader.read(body);
            JsonNode metadata = body.path("metadata");
            String requestId = firstText(n, "request_id", metadata, "request_id");
            if (requestId == null) {
                throw new FieldError("field 'request_id' is missing: give the chat request's id beside it (or in "
                        + path + "metadata.request_id)");
            }
            String tenant = n.path("tenant").isTextual() ? n.get("tenant").asText() : request.tenant();
            if (tenant == null) {
                throw new FieldError("field 'tenant' is missing: give it beside the request, or as " + path + "user or "
                        + path + "metadata.tenant");
            }
            String model = n.path("model").isTextual() ? n.get("model").asText() : request.model();
            if (model == null) {
                throw new FieldError("field 'model' is missing: give it beside the request or as " + path + "model");
            }
            Instant eventTime;
            if (n.has("event_time")) {
                eventTime = eventTime(n);
            } else if (body.path("created").isIntegralNumber()
                    && body.get("created").asLong() >= 0) {
                eventTime = Instant.ofEpochSecond(body.get("created").asLong());
            } else {
                throw new FieldError("field 'event_time' is missing: give epoch milliseconds or an ISO-8601 instant"
                        + " beside the request (or " + path + "created in epoch seconds)");
            }
            if (chat.renderer().isEmpty()) {
                return new DecodedPrompt.Invalid(
                        "a chat request, but " + chat.unavailable(), "CHAT_TEMPLATE_UNAVAILABLE");
            }
            ChatPromptRenderer renderer = chat.renderer().get();
            String prompt;
            try {
                prompt = renderer.render(request, ZonedDateTime.ofInstant(eventTime, ZoneOffset.UTC));
            } catch (TemplateException e) {
                return new DecodedPrompt.Invalid(
                        "the chat template (" + renderer.spec().name() + ") raised: " + e.getMessage(),
                        "CHAT_TEMPLATE_ERROR");
            } catch (RuntimeException | StackOverflowError e) {
                // Values of a shape the interpreter did not foresee: this record is refused, the job goes on.
                return new DecodedPrompt.Invalid(
                        "the chat template (" + renderer.spec().name() + ") failed on this request: "
                                + e.getClass().getSimpleName() + ": " + e.getMessage(),
                        "CHAT_TEMPLATE_ERROR");
            }
            PromptEvent.Builder b = PromptEvent.newBuilder()
                    .setRequestId(requestId)
                    .setTenant(tenant)
                    .setModel(model)
                    .setPrompt(prompt)
                    .setEventTime(eventTime);
            String task = firstText(n, "task", metadata, "task");
            if (task != null) {
                b.setTask(task);
            }
            if ("json_object".equals(request.responseFormat()) || "json_schema".equals(request.responseFormat())) {
                b.setResponseFormat(ResponseFormat.JSON);
            }
            if (request.jsonSchema() != null) {
                b.setJsonSchema(request.jsonSchema());
            }
            if (request.maxTokens() != null) {
                if (request.maxTokens() > MAX_TOKENS_LIMIT) {
                    throw new FieldError("field '" + path + "max_completion_tokens' (or max_tokens) must be at most "
                            + MAX_TOKENS_LIMIT + ", got " + request.maxTokens());
                }
                b.setMaxTokens(request.maxTokens());
            }
            if (request.stop() != null) {
                b.setStop(request.stop());
            }
            if (request.tools() != null) {
                try {
                    b.setToolsJson(JSON.writeValueAsString(request.tools()));
                } catch (JsonProcessingException e) {
                    throw new FieldError(
                            "field '" + path + "tools' cannot be written back as JSON: " + e.getOriginalMessage());
                }
            }
            return validate(b.build());
        } catch (ChatRequestException e) {
            return new DecodedPrompt.Invalid(
                    path.isEmpty() ? e.getMessage() : e.getMessage().replace("field '", "field '" + path),
                    "INVALID_FIELD");
        } catch (FieldError e) {
            return new DecodedPrompt.Invalid(e.getMessage(), "INVALID_FIELD");
        }
    }

    private static String firstText(JsonNode n, String field, JsonNode metadata, String metadataField) {
        if (n.path(field).isTextual()) {
            return n.get(field).asText();
        }
        return metadata.path(metadataField).isTextual()
                ? metadata.get(metadataField).asText()
                : null;
    }

    /** A single-object {@link ChatRequestEvent}. */
    private DecodedPrompt decodeAvroChat(byte[] value) {
        ChatRequestEvent e;
        try {
            e = ChatRequestEvent.fromByteBuffer(ByteBuffer.wrap(value));
        } catch (IOException | RuntimeException ex) {
            return new DecodedPrompt.Invalid(
                    "corrupt Avro ChatRequestEvent (" + ex.getClass().getSimpleName() + "): " + ex.getMessage(),
                    "CORRUPT_AVRO");
        }
        return decodeChatEvent(e);
    }

    /** A {@link ChatRequestEvent}: turned into the JSON of the request it logs, then read like one. */
    private DecodedPrompt decodeChatEvent(ChatRequestEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("request_id", e.getRequestId());
        n.put("event_time", e.getEventTime().toEpochMilli());
        n.put("model", e.getModel());
        if (e.getTenant() != null) {
            n.put("tenant", e.getTenant());
        }
        if (e.getTask() != null) {
            n.put("task", e.getTask());
        }
        ArrayNode messages = n.putArray("messages");
        for (ChatMessage m : e.getMessages()) {
            ObjectNode o = messages.addObject();
            o.put("role", m.getRole());
            o.put("content", m.getContent());
            if (m.getName() != null) {
                o.put("name", m.getName());
            }
            if (m.getToolCallId() != null) {
                o.put("tool_call_id", m.getToolCallId());
            }
            if (!m.getToolCalls().isEmpty()) {
                ArrayNode calls = o.putArray("tool_calls");
                for (ChatToolCall c : m.getToolCalls()) {
                    ObjectNode call = calls.addObject();
                    if (c.getId() != null) {
                        call.put("id", c.getId());
                    }
                    call.put("type", "function");
                    call.putObject("function").put("name", c.getName()).put("arguments", c.getArguments());
                }
            }
        }
        try {
            if (e.getToolsJson() != null) {
                n.set("tools", jsonField(e.getToolsJson(), "tools_json"));
            }
            if (e.getToolChoice() != null) {
                String choice = e.getToolChoice().strip();
                n.set("tool_choice", choice.startsWith("{") ? jsonField(choice, "tool_choice") : n.textNode(choice));
            }
            if (e.getResponseFormat() != null) {
                ObjectNode rf = n.putObject("response_format").put("type", e.getResponseFormat());
                if (e.getJsonSchema() != null) {
                    rf.putObject("json_schema")
                            .put("name", "response")
                            .set("schema", jsonField(e.getJsonSchema(), "json_schema"));
                }
            }
            if (e.getChatTemplateKwargsJson() != null) {
                n.set("chat_template_kwargs", jsonField(e.getChatTemplateKwargsJson(), "chat_template_kwargs_json"));
            }
        } catch (FieldError ex) {
            return new DecodedPrompt.Invalid(ex.getMessage(), "INVALID_FIELD");
        }
        if (e.getMaxTokens() != null) {
            n.put("max_tokens", e.getMaxTokens());
        }
        if (!e.getStop().isEmpty()) {
            ArrayNode stop = n.putArray("stop");
            e.getStop().forEach(stop::add);
        }
        if (e.getUser() != null) {
            n.put("user", e.getUser());
        }
        return decodeChat(n);
    }

    private static JsonNode jsonField(String text, String field) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException ex) {
            throw new FieldError("field '" + field + "' must hold JSON text: " + ex.getOriginalMessage());
        }
    }

    /** Checks both encodings share: what the schema's types cannot say. */
    private DecodedPrompt validate(PromptEvent e) {
        if (e.getRequestId().isBlank()) {
            return new DecodedPrompt.Invalid(
                    "field 'request_id' is empty: give every request a unique id", "INVALID_FIELD");
        }
        for (String[] label :
                new String[][] {{"tenant", e.getTenant()}, {"task", e.getTask()}, {"model", e.getModel()}}) {
            var problem = io.quantwatch.detectors.window.KeyLabel.problem(label[0], label[1]);
            if (problem.isPresent()) {
                return new DecodedPrompt.Invalid(problem.get(), "INVALID_FIELD");
            }
        }
        if (e.getPrompt().isEmpty()) {
            return new DecodedPrompt.Invalid("field 'prompt' is empty: there is nothing to shadow", "INVALID_FIELD");
        }
        if (e.getMaxTokens() < 1 || e.getMaxTokens() > MAX_TOKENS_LIMIT) {
            return new DecodedPrompt.Invalid(
                    "field 'max_tokens' must be between 1 and " + MAX_TOKENS_LIMIT + ", got " + e.getMaxTokens(),
                    "INVALID_FIELD");
        }
        if (e.getSentences() != null && e.getSentences() < 1) {
            return new DecodedPrompt.Invalid(
                    "field 'sentences' must be at least 1, got " + e.getSentences(), "INVALID_FIELD");
        }
        if (e.getJsonSchema() != null) {
            String problem = schemaVerdicts.computeIfAbsent(e.getJsonSchema(), PromptRecordDecoder::schemaProblem);
            if (!problem.isEmpty()) {
                return new DecodedPrompt.Invalid("field 'json_schema' " + problem, "INVALID_FIELD");
            }
        }
        return new DecodedPrompt.Valid(e);
    }

    /** Why a request schema cannot be used (it is compiled as untrusted: no fetching, bounded regexes), or "". */
    private static String schemaProblem(String schema) {
        try {
            UntrustedJsonSchema.compile(schema);
            return "";
        } catch (InvalidJsonSchemaException ex) {
            return ex.getMessage();
        }
    }

    private static String requiredText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new FieldError("field '" + field + "' is missing; JSON shape: " + JSON_SHAPE);
        }
        if (!v.isTextual()) {
            throw new FieldError("field '" + field + "' must be a string, got "
                    + v.getNodeType().name().toLowerCase(Locale.ROOT) + " " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field, int min, int max) {
        JsonNode v = n.get(field);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw new FieldError("field '" + field + "' must be an integer from " + min + " to " + max + ", got " + v);
        }
        return v.asInt();
    }

    private static Instant eventTime(JsonNode n) {
        JsonNode v = n.get("event_time");
        if (v == null || v.isNull()) {
            throw new FieldError(
                    "field 'event_time' is missing: give epoch milliseconds or an ISO-8601 instant such as \"2026-11-27T14:00:00Z\"");
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) { // 2^64 + 1 must not wrap to 1970
            return Instant.ofEpochMilli(v.asLong());
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.asText());
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new FieldError(
                "field 'event_time' must be epoch milliseconds or an ISO-8601 instant such as \"2026-11-27T14:00:00Z\", got "
                        + v);
    }

    private static List<String> stop(JsonNode v) {
        if (!v.isArray()) {
            throw new FieldError("field 'stop' must be an array of strings, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = v.elements(); it.hasNext(); ) {
            JsonNode s = it.next();
            if (!s.isTextual()) {
                throw new FieldError("field 'stop' must hold only strings, found " + s);
            }
            out.add(s.asText());
        }
        return out;
    }

    /** A field-level validation failure; its message is the dead-letter reason. */
    private static final class FieldError extends RuntimeException {
        FieldError(String message) {
            super(message, null, false, false);
        }
    }
}
