package dev.attune.training;

/**
 * Dynamic loss scaling for float16 products, by torch.amp.GradScaler's rule: the loss is multiplied by
 * the scale before backward so that small gradients survive float16's range; a step whose gradients came
 * out non-finite is skipped and the scale halved; after {@link #GROWTH_INTERVAL} good steps in a row it is
 * doubled. {@link #NONE} (scale 1, never skips) is every other precision.
 */
final class LossScale {

    static final double INITIAL = 65536;
    static final int GROWTH_INTERVAL = 2000;
    /** Below this the gradients are non-finite whatever the scale: the run fails instead of skipping forever. */
    static final double MINIMUM = 1.0 / 1024;

    static final LossScale NONE = new LossScale(false, 1, 0);

    private final boolean dynamic;
    private double scale;
    private int goodSteps;

    private LossScale(boolean dynamic, double scale, int goodSteps) {
        this.dynamic = dynamic;
        this.scale = scale;
        this.goodSteps = goodSteps;
    }

    static LossScale dynamic() {
        return new LossScale(true, INITIAL, 0);
    }

    /** As saved in a resume point. */
    static LossScale restored(double scale, int goodSteps) {
        return new LossScale(true, scale, goodSteps);
    }

    boolean isDynamic() {
        return dynamic;
    }

    double scale() {
        return scale;
    }

    int goodSteps() {
        return goodSteps;
    }

    /**
     * Records how a step's gradients came out; true when the step may be applied. A fixed scale never
     * skips: non-finite gradients are the caller's error to report.
     */
    boolean update(boolean finite) {
        if (!dynamic) {
            return true;
        }
        if (!finite) {
            scale /= 2;
            goodSteps = 0;
            return false;
        }
        if (++goodSteps == GROWTH_INTERVAL) {
            scale *= 2;
            goodSteps = 0;
        }
        return true;
    }
}
