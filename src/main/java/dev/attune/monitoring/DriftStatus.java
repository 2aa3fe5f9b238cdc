package dev.attune.monitoring;

import java.util.Collection;
import java.util.Comparator;

/**
 * How a model's (or deployment's) traffic in a window compares with its reference, worst last: an alert is worse
 * than a warning, and any judgement says more than no traffic.
 */
public enum DriftStatus {
    /** Nothing served in the window. */
    NO_TRAFFIC,
    /** The model has no reference to compare with (imported, or trained before monitoring). */
    NO_REFERENCE,
    /** Fewer texts than attune.monitoring.min-texts: the index is shown, not judged. */
    TOO_LITTLE_TRAFFIC,
    /** Every figure's index below the warning threshold. */
    OK,
    /** Some figure's index at or over attune.monitoring.warn-psi. */
    WARN,
    /** Some figure's index at or over attune.monitoring.alert-psi. */
    ALERT;

    public String id() {
        return name().toLowerCase();
    }

    static DriftStatus ofPsi(double psi, double warn, double alert) {
        return psi >= alert ? ALERT : psi >= warn ? WARN : OK;
    }

    static DriftStatus worst(Collection<DriftStatus> statuses) {
        return statuses.stream().max(Comparator.naturalOrder()).orElse(NO_TRAFFIC);
    }

    /** The gauge's value: -1 while nothing is judged, else 0 ok, 1 warn, 2 alert. */
    int gaugeValue() {
        return switch (this) {
            case OK -> 0;
            case WARN -> 1;
            case ALERT -> 2;
            default -> -1;
        };
    }
}
