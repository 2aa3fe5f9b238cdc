package dev.attune.serving;

import ai.djl.Device;
import dev.attune.modeling.QuantizationCheck;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ServingPrecision;
import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.onnx.OnnxClassifier;
import dev.attune.modeling.onnx.OnnxExport;

/**
 * Which engine and precision serve a model, and why. On a CPU, ONNX Runtime on the exported graph:
 * bench/serving.sh measured it faster than libtorch at every batch size on the same MiniLM (fp32 and int8; bf16
 * products in libtorch came second to int8). On a GPU, libtorch (the ONNX Runtime build bundled is CPU-only).
 */
final class ServingEngine {

    /** The precision chosen and the reason the serving status shows. */
    record Choice(ServingPrecision precision, String reason) {
    }

    private ServingEngine() {
    }

    /** With the model's own precision (null: none) before the node's setting. */
    static Choice choose(ServingPrecision own, ServingPrecision setting, QuantizationCheck check, Device device) {
        if (own != null && own != ServingPrecision.AUTO) {
            return new Choice(own, "the model's own serving precision is " + own.id());
        }
        return choose(own == null ? setting : ServingPrecision.AUTO, check, device);
    }

    static Choice choose(ServingPrecision setting, QuantizationCheck check, Device device) {
        if (setting != ServingPrecision.AUTO) {
            return new Choice(setting, "attune.predict.precision is " + setting.id());
        }
        if (device.isGpu()) {
            return new Choice(ServingPrecision.BF16, "auto on a GPU: libtorch in the GPU's half precision");
        }
        if (check == null) {
            return new Choice(ServingPrecision.FP32, "auto: int8 was never measured on this model's validation rows "
                    + "(an import, a regression, or trained before the check existed)");
        }
        if (check.error() != null) {
            return new Choice(ServingPrecision.FP32, "auto: the int8 check failed on this model's validation rows ("
                    + check.error() + ")");
        }
        double points = -100 * check.loss();
        String measured = Math.abs(points) < 0.005 // not "-0.00 points"
                ? "int8 leaves %s unchanged on %d validation rows".formatted(check.metric(), check.examples())
                : "int8 changes %s by %+.2f points on %d validation rows".formatted(check.metric(), points,
                        check.examples());
        return check.int8KeepsAccuracy() ? new Choice(ServingPrecision.INT8, "auto: " + measured)
                : new Choice(ServingPrecision.FP32, "auto: " + measured + ", more than the 0.5 allowed");
    }

    /**
     * A LoRA model on a CPU serves as a plain model does (auto: int8 when its check allowed it, else fp32), in ONNX
     * Runtime on its adapter merged into its base, reading the base's untouched weights from one copy shared with
     * the base's other adapters ({@link SharedBases#acquireWeights}). bf16, and every precision on a GPU, serve in
     * libtorch over one shared base.
     */
    static Choice chooseForAdapter(ServingPrecision own, ServingPrecision setting, QuantizationCheck check,
            Device device) {
        ServingPrecision asked = own != null ? own : setting;
        String why = own != null ? "the model's own serving precision is " + own.id()
                : "attune.predict.precision is " + setting.id();
        String overBase = "a LoRA adapter over its base, shared with the base's other adapters, in libtorch";
        if (device.isGpu()) {
            return switch (asked) {
                case AUTO -> new Choice(ServingPrecision.BF16, overBase + "; auto on a GPU: its half precision");
                case BF16 -> new Choice(ServingPrecision.BF16, overBase + "; " + why);
                case FP32, INT8 -> new Choice(ServingPrecision.FP32, overBase + ", fp32; " + why
                        + (asked == ServingPrecision.INT8 ? " (int8 runs in ONNX Runtime, on a CPU)" : ""));
            };
        }
        if (asked == ServingPrecision.BF16) {
            return new Choice(ServingPrecision.BF16, overBase + "; " + why);
        }
        Choice plain = choose(own, setting, check, device);
        return new Choice(plain.precision(), plain.reason() + "; a LoRA adapter merged into its base in ONNX Runtime, "
                + "the base's untouched weights shared with its other adapters");
    }

    /** Whether a choice runs in ONNX Runtime (a copy of its own) rather than on the libtorch model. */
    static boolean inOnnxRuntime(Choice choice, Device device) {
        return !device.isGpu() && choice.precision() != ServingPrecision.BF16;
    }

    /** The libtorch precision of a choice on a device. */
    static Precision libtorchPrecision(Choice choice, Device device) {
        return choice.precision() == ServingPrecision.BF16 ? (device.isGpu() ? Precision.AUTO.on(device) : Precision.BF16)
                : Precision.FP32;
    }

    /**
     * The classifier serving {@code model} in the chosen precision. ONNX Runtime builds its own copy and
     * the libtorch model is closed; libtorch serves the model itself.
     */
    static TextClassifier open(ClassifierModel model, Choice choice) {
        Device device = model.manager().getDevice();
        if (!inOnnxRuntime(choice, device)) {
            model.usePrecision(switch (choice.precision()) {
                case BF16 -> device.isGpu() ? Precision.AUTO : Precision.BF16;
                default -> Precision.FP32;
            });
            return model;
        }
        try (model) {
            return OnnxClassifier.of(model, choice.precision() == ServingPrecision.INT8 ? OnnxExport.Weights.INT8
                    : OnnxExport.Weights.FP32);
        }
    }
}
