package io.quantwatch.connectors.openvino;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The test stand-in for libopenvino_c.so (src/test/c/openvino_c_stub.c, built by the test phase)
 * and model folders for its toy LLM: a tokenizer.json over a small word vocabulary, config files,
 * and IR XML whose weight constants are symmetric or asymmetric INT4 as NNCF writes them.
 */
public final class StubOpenVino {
    public static final String[] WORDS = {
        "<unk>",
        "</s>",
        "<s>",
        "the",
        "a",
        "weather",
        "in",
        "paris",
        "is",
        "sunny",
        "call",
        "tool",
        "json",
        "with",
        "city",
        "rome",
        "and",
        "berlin",
        "today",
        "tomorrow",
        "rain",
        "snow",
        "cold",
        "warm",
        "wind",
        "north",
        "south",
        "east",
        "west",
        "cloud",
        "storm",
        "clear",
        "sky",
        "sea",
        "river",
        "hill",
        "road",
        "town",
        "door",
        "lamp",
        "book",
        "pen",
        "cup",
        "tea",
        "milk",
        "bread",
        "salt",
        "fish"
    };

    /** The stub's test controls (the same loaded library as the binding's). */
    public interface Control extends Library {
        long stub_live_objects();

        long stub_double_frees();

        String stub_last_compile_properties();

        void stub_set_devices(String csv);

        /** {@code full} (default), {@code last} (logits sliced to the last position) or {@code f16}. */
        void stub_set_logits(String mode);
    }

    public enum Weights {
        FP16,
        INT4_SYM,
        INT4_SYM_LEGACY_U4,
        INT4_ASYM
    }

    private static final String LIBRARY = "/openvino-stub/libopenvino_c.so";
    /** The library's file, found or copied once per JVM. */
    private static Path extracted;

    private StubOpenVino() {}

    /**
     * The stub library the connectors' test phase builds onto the test classpath: its file there, or, read from
     * the connectors test-jar by another module's tests, a copy in a temporary file (a native library must be a file).
     */
    public static synchronized Path library() {
        if (extracted != null) {
            return extracted;
        }
        URL url = StubOpenVino.class.getResource(LIBRARY);
        if (url == null) {
            throw new IllegalStateException(
                    "the stub library " + LIBRARY + " is not on the test classpath: run the tests through Maven");
        }
        try {
            if (url.getProtocol().equals("file")) {
                extracted = Path.of(url.toURI());
            } else {
                Path copy = Files.createTempFile("libopenvino_c", ".so");
                copy.toFile().deleteOnExit();
                try (InputStream in = url.openStream()) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                extracted = copy;
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the stub library " + url, e);
        }
        return extracted;
    }

    public static Control control() {
        return Native.load(library().toString(), Control.class);
    }

    /** A complete export folder for the toy LLM; {@code perturb} 0 is the reference. */
    public static Path folder(Path dir, double perturb, Weights weights) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("openvino_model.xml"), ir(perturb, weights));
            Files.write(dir.resolve("openvino_model.bin"), new byte[16]);
            Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
            Files.writeString(dir.resolve("config.json"), "{\"eos_token_id\": 1, \"max_position_embeddings\": 256}");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A MatMul's weights as an IR fragment: NNCF's decompression subgraph for each format. */
    private static String ir(double perturb, Weights w) {
        StringBuilder layers = new StringBuilder();
        List<String> edges = new ArrayList<>();
        layers.append(
                "<layer id=\"0\" name=\"input_ids\" type=\"Parameter\" version=\"opset1\"><data shape=\"?,?\" element_type=\"i64\"/></layer>\n");
        switch (w) {
            case FP16 ->
                layers.append(
                        "<layer id=\"1\" name=\"w\" type=\"Const\" version=\"opset1\"><data element_type=\"f16\" shape=\"48,64\" offset=\"0\" size=\"6144\"/></layer>\n");
            case INT4_SYM -> {
                layers.append(
                        "<layer id=\"1\" name=\"w\" type=\"Const\" version=\"opset1\"><data element_type=\"i4\" shape=\"48,1,64\" offset=\"0\" size=\"1536\"/></layer>\n");
                layers.append(
                        "<layer id=\"2\" name=\"w/convert\" type=\"Convert\" version=\"opset1\"><data destination_type=\"f16\"/></layer>\n");
                layers.append(
                        "<layer id=\"3\" name=\"s\" type=\"Const\" version=\"opset1\"><data element_type=\"f16\" shape=\"48,1,1\" offset=\"0\" size=\"96\"/></layer>\n");
                layers.append("<layer id=\"4\" name=\"w/scale\" type=\"Multiply\" version=\"opset1\"/>\n");
                edges.add("1,2");
                edges.add("2,4");
                edges.add("3,4");
            }
            case INT4_SYM_LEGACY_U4, INT4_ASYM -> {
                String zpShape = w == Weights.INT4_ASYM ? "48,1,1" : "";
                layers.append(
                        "<layer id=\"1\" name=\"w\" type=\"Const\" version=\"opset1\"><data element_type=\"u4\" shape=\"48,1,64\" offset=\"0\" size=\"1536\"/></layer>\n");
                layers.append(
                        "<layer id=\"2\" name=\"w/convert\" type=\"Convert\" version=\"opset1\"><data destination_type=\"f16\"/></layer>\n");
                layers.append(
                        "<layer id=\"3\" name=\"zp\" type=\"Const\" version=\"opset1\"><data element_type=\"u4\" shape=\""
                                + zpShape + "\" offset=\"0\" size=\"24\"/></layer>\n");
                layers.append(
                        "<layer id=\"4\" name=\"zp/convert\" type=\"Convert\" version=\"opset1\"><data destination_type=\"f16\"/></layer>\n");
                layers.append("<layer id=\"5\" name=\"w/zero_point\" type=\"Subtract\" version=\"opset1\"/>\n");
                edges.add("1,2");
                edges.add("3,4");
                edges.add("2,5");
                edges.add("4,5");
            }
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!-- stub vocab=" + WORDS.length + " perturb="
                        + perturb + " -->\n" + "<net name=\"toy\" version=\"11\">\n<layers>\n")
                .append(layers)
                .append("</layers>\n<edges>\n");
        for (String e : edges) {
            String[] ft = e.split(",");
            xml.append("<edge from-layer=\"")
                    .append(ft[0])
                    .append("\" from-port=\"0\" to-layer=\"")
                    .append(ft[1])
                    .append("\" to-port=\"0\"/>\n");
        }
        return xml.append("</edges>\n</net>\n").toString();
    }

    private static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < WORDS.length; i++) {
            vocab.append(i == 0 ? "" : ", ")
                    .append('"')
                    .append(WORDS[i])
                    .append("\": ")
                    .append(i);
        }
        String special =
                "\"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true";
        return """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 0, "content": "<unk>", %1$s}, {"id": 1, "content": "</s>", %1$s}, {"id": 2, "content": "<s>", %1$s}],
                 "normalizer": null,
                 "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": {"type": "TemplateProcessing",
                   "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                   "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                   "special_tokens": {"<s>": {"id": "<s>", "ids": [2], "tokens": ["<s>"]}}},
                 "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {%2$s}, "unk_token": "<unk>"}}
                """.formatted(special, vocab);
    }
}
