package dev.attune.training;

/**
 * Dynamic loss scaling for float16 products, by torch.amp.GradScaler's rule: the loss is multiplied by
 * the scale before backward so that small gradients survive float16's range; a step whose gradients came
 * out non-finite is skipped and the scale halved; after {@link #GROWTH_INTERVAL} good steps in a row it is
 * doubled. The rule runs on the device, in {@link AdamW}'s step (libtorch's own _amp_update_scale_); this is
 * its value as read back, saved in resume points and restored from them. {@link #NONE} (scale 1) is every
 * other precision.
 */
final class LossScale {

    static final double INITIAL = 65536;
    static final int GROWTH_INTERVAL = 2000;
    /** Below this the gradients are non-finite whatever the scale: the run fails instead of skipping forever. */
    static final double MINIMUM = 1.0 / 1024;

    static final LossScale NONE = new LossScale(false, 1, 0);

    private final boolean dynamic;
    private final double scale;
    private final int goodSteps;

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
}
