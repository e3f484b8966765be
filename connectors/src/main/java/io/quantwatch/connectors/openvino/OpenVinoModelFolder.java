package io.quantwatch.connectors.openvino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code optimum-cli export openvino} folder: the stateful IR ({@code openvino_model.xml} and
 * {@code .bin}), {@code tokenizer.json}, and the end-of-sequence ids and context length from
 * {@code generation_config.json} / {@code config.json}. Opening it checks every required file and
 * names the missing one.
 */
public record OpenVinoModelFolder(Path dir, Path xml, Path bin, Path tokenizer, int[] eosTokenIds, int contextLength) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static OpenVinoModelFolder open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new OpenVinoUnavailableException(
                    "OpenVINO model folder " + dir.toAbsolutePath() + " does not exist: export one with "
                            + "`optimum-cli export openvino --model <hf-id> --weight-format int4 --sym <folder>`");
        }
        Path xml = required(dir, "openvino_model.xml");
        Path bin = required(dir, "openvino_model.bin");
        Path tokenizer = required(dir, "tokenizer.json");
        JsonNode config = json(dir.resolve("config.json"));
        JsonNode generation = json(dir.resolve("generation_config.json"));
        List<Integer> eos = new ArrayList<>();
        for (JsonNode source : new JsonNode[] {generation, config}) {
            JsonNode e = source == null ? null : source.get("eos_token_id");
            if (e != null && eos.isEmpty()) {
                if (e.isArray()) {
                    e.forEach(x -> eos.add(x.asInt()));
                } else if (e.isInt()) {
                    eos.add(e.asInt());
                }
            }
        }
        if (eos.isEmpty()) {
            throw new OpenVinoUnavailableException(
                    "model folder " + dir + ": no eos_token_id in generation_config.json or config.json; "
                            + "re-export with optimum-cli, which writes both");
        }
        int context = config != null && config.has("max_position_embeddings")
                ? config.get("max_position_embeddings").asInt()
                : 4096;
        return new OpenVinoModelFolder(
                dir,
                xml,
                bin,
                tokenizer,
                eos.stream().mapToInt(Integer::intValue).toArray(),
                context);
    }

    private static Path required(Path dir, String name) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new OpenVinoUnavailableException(
                    "OpenVINO model folder " + dir.toAbsolutePath() + " is incomplete: " + name
                            + " is missing (an optimum-cli export writes openvino_model.xml, openvino_model.bin, tokenizer.json, config.json)");
        }
        return p;
    }

    private static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
