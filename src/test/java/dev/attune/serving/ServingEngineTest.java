package dev.attune.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.attune.modeling.QuantizationCheck;
import dev.attune.modeling.ServingPrecision;
import org.junit.jupiter.api.Test;

class ServingEngineTest {

    @Test
    void autoServesInt8WhenTheValidationRowsLostAtMostHalfAPoint() {
        ServingEngine.Choice choice = ServingEngine.choose(ServingPrecision.AUTO,
                new QuantizationCheck("accuracy", 0.850, 0.846, 1000), Device.cpu());
        assertThat(choice.precision()).isEqualTo(ServingPrecision.INT8);
        assertThat(choice.reason()).contains("-0.40 points on 1000 validation rows");
    }

    @Test
    void anUnchangedScoreIsSaidSoNotAsMinusZeroPoints() {
        ServingEngine.Choice choice = ServingEngine.choose(ServingPrecision.AUTO,
                new QuantizationCheck("accuracy", 0.85, 0.85, 200), Device.cpu());
        assertThat(choice.reason()).contains("int8 leaves accuracy unchanged on 200 validation rows")
                .doesNotContain("-0.00");
    }

    @Test
    void aCheckThatCouldNotRunServesFp32SayingWhy() {
        ServingEngine.Choice choice = ServingEngine.choose(ServingPrecision.AUTO,
                QuantizationCheck.failed("accuracy", "OrtException: bad graph"), Device.cpu());
        assertThat(choice.precision()).isEqualTo(ServingPrecision.FP32);
        assertThat(choice.reason()).contains("int8 check failed").contains("bad graph");
    }

    @Test
    void autoServesFp32WhenInt8LosesMoreThanHalfAPoint() {
        ServingEngine.Choice choice = ServingEngine.choose(ServingPrecision.AUTO,
                new QuantizationCheck("accuracy", 0.850, 0.844, 1000), Device.cpu());
        assertThat(choice.precision()).isEqualTo(ServingPrecision.FP32);
        assertThat(choice.reason()).contains("more than the 0.5 allowed");
    }

    @Test
    void autoServesFp32WithoutAMeasurement() {
        assertThat(ServingEngine.choose(ServingPrecision.AUTO, null, Device.cpu()).precision())
                .isEqualTo(ServingPrecision.FP32);
    }

    @Test
    void anExplicitPrecisionIsKeptWhateverTheMeasurement() {
        QuantizationCheck lossy = new QuantizationCheck("accuracy", 0.9, 0.5, 10);
        assertThat(ServingEngine.choose(ServingPrecision.INT8, lossy, Device.cpu()).precision())
                .isEqualTo(ServingPrecision.INT8);
        assertThat(ServingEngine.choose(ServingPrecision.BF16, null, Device.cpu()).reason())
                .isEqualTo("attune.predict.precision is bf16");
    }

    @Test
    void aModelsOwnPrecisionComesBeforeTheNodesSetting() {
        QuantizationCheck lossy = new QuantizationCheck("accuracy", 0.9, 0.5, 1000);
        assertThat(ServingEngine.choose(ServingPrecision.INT8, ServingPrecision.FP32, lossy, Device.cpu()).reason())
                .isEqualTo("the model's own serving precision is int8");
        // its own auto: decided by its measurement even where the node forces a precision
        assertThat(ServingEngine.choose(ServingPrecision.AUTO, ServingPrecision.INT8, lossy, Device.cpu()).precision())
                .isEqualTo(ServingPrecision.FP32);
        assertThat(ServingEngine.choose(null, ServingPrecision.INT8, lossy, Device.cpu()).precision())
                .isEqualTo(ServingPrecision.INT8);
    }

    @Test
    void autoOnAGpuServesLibtorchInHalfPrecision() {
        assertThat(ServingEngine.choose(ServingPrecision.AUTO, null, Device.gpu()).precision())
                .isEqualTo(ServingPrecision.BF16);
    }

    @Test
    void anAdapterOnACpuServesAsAPlainModelInOnnxRuntimeAndInLibtorchForBf16OrOnAGpu() {
        QuantizationCheck keeps = new QuantizationCheck("accuracy", 0.85, 0.85, 200);
        ServingEngine.Choice auto = ServingEngine.chooseForAdapter(null, ServingPrecision.AUTO, keeps, Device.cpu());
        assertThat(auto.precision()).isEqualTo(ServingPrecision.INT8);
        assertThat(ServingEngine.inOnnxRuntime(auto, Device.cpu())).isTrue();
        assertThat(auto.reason()).contains("merged into its base in ONNX Runtime");
        ServingEngine.Choice unmeasured = ServingEngine.chooseForAdapter(null, ServingPrecision.AUTO, null, Device.cpu());
        assertThat(unmeasured.precision()).isEqualTo(ServingPrecision.FP32);
        ServingEngine.Choice bf16 = ServingEngine.chooseForAdapter(ServingPrecision.BF16, ServingPrecision.AUTO, keeps,
                Device.cpu());
        assertThat(ServingEngine.inOnnxRuntime(bf16, Device.cpu())).isFalse();
        ServingEngine.Choice gpuInt8 = ServingEngine.chooseForAdapter(ServingPrecision.INT8, ServingPrecision.AUTO, keeps,
                Device.gpu());
        assertThat(gpuInt8.precision()).isEqualTo(ServingPrecision.FP32);
        assertThat(ServingEngine.inOnnxRuntime(gpuInt8, Device.gpu())).isFalse();
        assertThat(ServingEngine.chooseForAdapter(null, ServingPrecision.AUTO, keeps, Device.gpu()).precision())
                .isEqualTo(ServingPrecision.BF16);
    }
}
