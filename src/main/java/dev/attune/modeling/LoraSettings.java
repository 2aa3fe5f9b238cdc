package dev.attune.modeling;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A LoRA adapter's shape: each target linear layer computes W x + b + (B A dropout(x)) · alpha / r, with A (r × in)
 * and B (out × r) trained and W frozen. Null fields take the defaults ({@link #withDefaults}): r 8, alpha 16
 * (a scale of 2, as the LoRA paper's GLUE runs and PEFT's sequence-classification examples), dropout 0.1, and the
 * attention's query and value projections (PEFT's defaults per architecture: query/value, q_lin/v_lin).
 *
 * @param r the rank of A and B
 * @param alpha the scale's numerator: the update is multiplied by alpha / r
 * @param dropout dropout on the adapter's input while training
 * @param targetModules the linear layers adapted, as PEFT names them: a module's name or its last parts
 *     ("query", "attention.output.dense")
 */
@Schema(description = "LoRA adapter settings (strategy lora); every field may be left out for its default.")
public record LoraSettings(
        @Schema(example = "8") @Min(1) @Max(256) Integer r,
        @Schema(example = "16") @DecimalMin(value = "0", inclusive = false) @DecimalMax("4096") Double alpha,
        @Schema(example = "0.1") @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double dropout,
        @Schema(example = "[\"query\", \"value\"]") @Size(min = 1, max = 32) List<String> targetModules) {

    /** Nothing asked: every field takes its default. */
    public static final LoraSettings NONE = new LoraSettings(null, null, null, null);

    public static final int DEFAULT_R = 8;
    public static final double DEFAULT_ALPHA = 16;
    public static final double DEFAULT_DROPOUT = 0.1;

    /**
     * Every default filled in; the target modules are PEFT's for this architecture's model_type (null: left
     * unresolved until the architecture is known).
     */
    public LoraSettings withDefaults(String modelType) {
        return new LoraSettings(r != null ? r : DEFAULT_R, alpha != null ? alpha : DEFAULT_ALPHA,
                dropout != null ? dropout : DEFAULT_DROPOUT,
                targetModules != null && !targetModules.isEmpty() ? List.copyOf(targetModules)
                        : modelType == null ? null : defaultTargets(modelType));
    }

    /** PEFT's default LoRA targets: the attention's query and value projections. */
    public static List<String> defaultTargets(String modelType) {
        return "distilbert".equals(modelType) ? List.of("q_lin", "v_lin") : List.of("query", "value");
    }

    /** The factor the adapter's product is scaled by. */
    public double scale() {
        return alpha / r;
    }

    /** Whether a module (its full name, "bert.encoder.layer.0.attention.self.query") is one of the targets, as PEFT matches. */
    public boolean targets(String moduleName) {
        return targetModules.stream().anyMatch(t -> matches(t, moduleName));
    }

    /**
     * The target modules that name none of these linear layers (a typo, or another architecture's name). A target
     * matches a module's name or its last parts, as PEFT matches a list; PEFT's single-string form (a regular
     * expression over the whole name, or "all-linear") is accepted too.
     */
    public List<String> unmatchedTargets(Collection<String> linearModules) {
        return targetModules.stream().filter(t -> !"all-linear".equals(t)
                && linearModules.stream().noneMatch(m -> matches(t, m) || fullMatch(t, m))).toList();
    }

    private static boolean matches(String target, String moduleName) {
        return moduleName.equals(target) || moduleName.endsWith("." + target);
    }

    private static boolean fullMatch(String regex, String moduleName) {
        try {
            return Pattern.matches(regex, moduleName);
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    /** A checkpoint's linear layers by module name, from its tensors' shapes: the 2-D weights outside the embeddings. */
    public static List<String> linearModules(Map<String, long[]> shapes) {
        List<String> linear = new ArrayList<>();
        shapes.forEach((name, shape) -> {
            if (name.endsWith(".weight") && shape.length == 2 && !name.contains("embeddings")) {
                linear.add(name.substring(0, name.length() - ".weight".length()));
            }
        });
        return linear;
    }

    /** The last parts of linear layers' names, sorted, once each ("dense", "query"...): what a target may name. */
    public static List<String> layerNames(Collection<String> linearModules) {
        return linearModules.stream().map(m -> m.substring(m.lastIndexOf('.') + 1)).distinct().sorted().toList();
    }
}
