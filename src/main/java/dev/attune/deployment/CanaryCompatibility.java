package dev.attune.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

import dev.attune.errors.Conflict;
import dev.attune.model.RegisteredModel;

/**
 * A canary answers a share of the deployment's callers, who send one kind of input and read one set of labels: it
 * must read the same inputs (single texts or sentence pairs), solve the same problem type and answer the same
 * labels as the deployment's model. Otherwise a 409 naming each difference, before any caller meets it.
 */
final class CanaryCompatibility {

    private CanaryCompatibility() {
    }

    static void check(RegisteredModel deployed, RegisteredModel canary) {
        List<String> differences = new ArrayList<>();
        if (deployed.textPair() != canary.textPair()) {
            differences.add("the canary reads " + inputs(canary) + " but the deployment's model " + inputs(deployed));
        }
        if (deployed.problemType() != canary.problemType()) {
            differences.add("the canary's problem type is " + canary.problemType().id() + ", the deployment's model's "
                    + deployed.problemType().id());
        }
        if (!Objects.equals(labels(deployed), labels(canary))) {
            differences.add("the canary answers labels " + labels(canary) + ", the deployment's model "
                    + labels(deployed));
        }
        if (!differences.isEmpty()) {
            throw new Conflict("Canary incompatible with the deployment", "Model " + canary.id() + " cannot be "
                    + "the canary of a deployment served by " + deployed.id() + ": " + String.join("; ", differences)
                    + ". A canary must take the same requests and answer with the same labels; choose such a model.")
                    .with("differences", differences);
        }
    }

    private static String inputs(RegisteredModel model) {
        return model.textPair() ? "sentence pairs" : "single texts";
    }

    private static TreeSet<String> labels(RegisteredModel model) {
        return model.labels() == null ? new TreeSet<>() : new TreeSet<>(model.labels());
    }
}
