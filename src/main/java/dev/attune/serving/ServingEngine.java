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
     * A LoRA model serves in libtorch over its shared base (ONNX Runtime would need a merged copy of the base
     * per adapter): fp32, or bf16 where asked (auto on a GPU).
     */
    static Choice chooseForAdapter(ServingPrecision own, ServingPrecision setting, Device device) {
        ServingPrecision asked = own != null ? own : setting;
        String why = own != null ? "the model's own serving precision is " + own.id()
                : "attune.predict.precision is " + setting.id();
        String shared = "a LoRA adapter serves over its base, shared with the base's other adapters, in libtorch";
        return switch (asked) {
            case BF16 -> new Choice(ServingPrecision.BF16, shared + "; " + why);
            case INT8 -> new Choice(ServingPrecision.FP32, shared + ", fp32 (" + why + ", but int8 runs in ONNX "
                    + "Runtime on a copy of its own: serve the merged download imported as a model for that)");
            case AUTO -> device.isGpu() ? new Choice(ServingPrecision.BF16, shared + "; auto on a GPU: its half precision")
                    : new Choice(ServingPrecision.FP32, shared + "; auto on a CPU: fp32");
            case FP32 -> new Choice(ServingPrecision.FP32, shared + "; " + why);
        };
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
        if (device.isGpu() || choice.precision() == ServingPrecision.BF16) {
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
