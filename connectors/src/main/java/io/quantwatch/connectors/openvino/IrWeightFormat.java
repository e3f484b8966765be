package io.quantwatch.connectors.openvino;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What an OpenVINO IR stores its weights as, read from {@code openvino_model.xml} without loading
 * the model: the element types of its constants, and whether compressed weights come with zero
 * points. NNCF writes INT4_ASYM weights as {@code u4} constants minus per-group {@code u4} zero-point
 * constants (each through a {@code Convert}) before scaling; INT4_SYM as {@code i4}, or in older
 * exports as {@code u4} minus one scalar zero point of 8. So a {@code Subtract} whose two inputs are
 * both multi-element {@code u4} constants marks asymmetric 4-bit weights.
 *
 * @param constantsByType number of Const layers per element type (f16, i4, u4, u8 …)
 * @param u4ZeroPoints    {@code Subtract} layers taking per-group u4 zero points
 */
public record IrWeightFormat(Map<String, Integer> constantsByType, int u4ZeroPoints) {

    /** True for INT4_ASYM weights, which NPU plugins do not run. */
    public boolean asymmetric4Bit() {
        return u4ZeroPoints > 0;
    }

    private static long elements(String shape) {
        if (shape == null || shape.isBlank()) {
            return 1;
        }
        long n = 1;
        for (String d : shape.split(",")) {
            n *= Long.parseLong(d.trim());
        }
        return n;
    }

    public static IrWeightFormat read(Path xml) {
        Map<String, Integer> byType = new TreeMap<>();
        Map<String, String> constType = new TreeMap<>(); // layer id -> element type of Const layers
        Map<String, Long> constSize = new TreeMap<>(); // layer id -> elements of Const layers
        Map<String, String> layerType = new TreeMap<>(); // layer id -> layer type
        List<String[]> edges = new ArrayList<>(); // from-layer, to-layer, to-port
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        try (InputStream in = Files.newInputStream(xml)) {
            XMLStreamReader r = f.createXMLStreamReader(in);
            String currentId = null;
            String currentType = null;
            while (r.hasNext()) {
                if (r.next() != XMLStreamReader.START_ELEMENT) {
                    continue;
                }
                switch (r.getLocalName()) {
                    case "layer" -> {
                        currentId = r.getAttributeValue(null, "id");
                        currentType = r.getAttributeValue(null, "type");
                        layerType.put(currentId, currentType);
                    }
                    case "data" -> {
                        if ("Const".equals(currentType) && currentId != null) {
                            String et = r.getAttributeValue(null, "element_type");
                            if (et != null) {
                                constType.put(currentId, et);
                                constSize.put(currentId, elements(r.getAttributeValue(null, "shape")));
                                byType.merge(et, 1, Integer::sum);
                            }
                        }
                    }
                    case "edge" ->
                        edges.add(new String[] {
                            r.getAttributeValue(null, "from-layer"), r.getAttributeValue(null, "to-layer")
                        });
                    default -> {}
                }
            }
        } catch (IOException | XMLStreamException e) {
            throw new OpenVinoUnavailableException("cannot read the IR " + xml + ": " + e.getMessage(), e);
        }
        // A per-group u4 constant, or a Convert of one, is a "u4 tensor" input.
        Set<String> u4Tensor = new HashSet<>();
        for (String id : constType.keySet()) {
            if ("u4".equals(constType.get(id)) && constSize.getOrDefault(id, 1L) > 1) {
                u4Tensor.add(id);
            }
        }
        for (String[] e : edges) {
            if (u4Tensor.contains(e[0]) && "Convert".equals(layerType.get(e[1]))) {
                u4Tensor.add(e[1]);
            }
        }
        Map<String, Integer> u4Inputs = new TreeMap<>();
        for (String[] e : edges) {
            if ("Subtract".equals(layerType.get(e[1])) && u4Tensor.contains(e[0])) {
                u4Inputs.merge(e[1], 1, Integer::sum);
            }
        }
        int zeroPoints = (int) u4Inputs.values().stream().filter(n -> n >= 2).count();
        return new IrWeightFormat(Map.copyOf(byType), zeroPoints);
    }
}
