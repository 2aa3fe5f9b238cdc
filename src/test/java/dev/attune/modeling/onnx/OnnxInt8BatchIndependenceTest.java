package dev.attune.modeling.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.EncodedBatch;
import dev.attune.support.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A served text's scores must not depend on the texts batched with it (issue 32): the int8 graph quantizes
 * its activations token row by token row, so neither other clients' texts nor the padding a long neighbour
 * forces on it move its answer. fp32 is the control.
 */
class OnnxInt8BatchIndependenceTest {

    private static final int MAX_LENGTH = 64;

    @ParameterizedTest
    @CsvSource({"tiny-bert-sst2, INT8", "tiny-distilbert-sst2, INT8", "tiny-roberta-sst2, INT8",
            "tiny-bert-sst2, FP32"})
    void aTextScoresTheSameAloneInABatchAndBesideALongText(String name, OnnxExport.Weights weights) {
        List<String> golden = Golden.strings(Golden.json(name).get("texts"));
        String text = golden.get(4); // the shortest: a long neighbour pads it most
        List<String> crowd = crowd(golden, 32);
        crowd.add(17, text);
        List<String> besideLong = List.of(String.join(" ", golden), text);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu());
                OnnxClassifier onnx = OnnxClassifier.of(model, weights)) {
            float[] alone = logits(onnx, List.of(text))[0];
            float[] inCrowd = logits(onnx, crowd)[17];
            float[] beside = logits(onnx, besideLong)[1];
            float crowdDiff = Golden.maxAbsDiff(alone, inCrowd);
            float paddingDiff = Golden.maxAbsDiff(alone, beside);
            System.out.printf("%s %s: alone %s, |alone - in 32| %.3g, |alone - beside a long text| %.3g%n", name,
                    weights, Arrays.toString(alone), crowdDiff, paddingDiff);
            assertThat(crowdDiff).isLessThanOrEqualTo(1e-6f);
            assertThat(paddingDiff).isLessThanOrEqualTo(1e-6f);
        }
    }

    /** (B, C) logits of texts in one batch, padded to its longest, as one /predict request runs them. */
    private static float[][] logits(OnnxClassifier onnx, List<String> texts) {
        EncodedBatch batch = onnx.textEncoder().encode(texts, MAX_LENGTH);
        return onnx.logits(batch);
    }

    /** count texts unlike each other: the golden sentences with their words rotated. */
    private static List<String> crowd(List<String> golden, int count) {
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<String> words = new ArrayList<>(Arrays.asList(golden.get(i % golden.size()).split(" ")));
            Collections.rotate(words, i / golden.size() + 1);
            texts.add(String.join(" ", words));
        }
        return texts;
    }
}
