package dev.attune.modeling;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * The one place where DJL's block tree meets Hugging Face names. DJL names a child "%02d" + name
 * ("01query"); stripping the two-digit counter gives the HF attribute, so a walk of the tree yields
 * exactly transformers' state-dict keys ("bert.encoder.layer.0.attention.self.query.weight").
 */
public final class ParameterNames {

    private ParameterNames() {
    }

    /** A parameter slot: the leaf block it belongs to and its name within that block. */
    public record Slot(Parameter parameter, ExpectsShapes owner, String name) {
    }

    public static Map<String, Slot> of(Block root) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        walk(root, "", slots);
        return slots;
    }

    private static void walk(Block block, String prefix, Map<String, Slot> slots) {
        for (Pair<String, Parameter> parameter : block.getDirectParameters()) {
            if (!(block instanceof ExpectsShapes owner)) {
                throw new IllegalStateException(block.getClass() + " has parameters but no expected shapes");
            }
            slots.put(prefix + parameter.getKey(), new Slot(parameter.getValue(), owner, parameter.getKey()));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            walk(child.getValue(), prefix + hfName(child.getKey()) + ".", slots);
        }
    }

    /** Every block of the tree under root, root first. */
    static Stream<Block> blocks(Block root) {
        return Stream.concat(Stream.of(root), root.getChildren().values().stream().flatMap(ParameterNames::blocks));
    }

    /** "01query" → "query", "03LayerNorm" → "LayerNorm", "010" → "0". */
    static String hfName(String djlChildName) {
        return djlChildName.substring(2);
    }
}
