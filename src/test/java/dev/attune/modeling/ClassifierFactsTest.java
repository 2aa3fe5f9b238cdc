package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;

/** A model's facts are one copy: a setter replaces it whole, and a copy read before keeps what it held. */
class ClassifierFactsTest {

    @Test
    void settersReplaceTheFactsAndLeaveEarlierCopiesAsTheyWere() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            ClassifierFacts loaded = model.facts();
            List<Double> perLabel = new ArrayList<>(List.of(0.3, 0.7));

            model.useThresholds(perLabel);
            model.useWindowRule(new WindowRule(LongText.SLIDING_WINDOW, 8));
            model.useMaxLength(16);
            perLabel.set(0, 0.9); // the model keeps its own copy

            assertThat(loaded.windowRule()).isEqualTo(WindowRule.TRUNCATE);
            assertThat(loaded.trainedLength()).isNull();
            assertThat(model.thresholds()).containsExactly(0.3, 0.7);
            assertThat(model.windowRule()).isEqualTo(new WindowRule(LongText.SLIDING_WINDOW, 8));
            assertThat(model.maxLength()).isEqualTo(16).isNotEqualTo(loaded.maxLength());
            assertThat(model.facts().config()).isSameAs(loaded.config());
            assertThat(model.facts().textEncoder()).isSameAs(loaded.textEncoder());

            model.useWindowRule(null);
            assertThat(model.windowRule()).isEqualTo(WindowRule.TRUNCATE);
        }
    }

    @Test
    void thresholdsForAnotherLabelCountAreRefusedAndChangeNothing() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            ClassifierFacts before = model.facts();

            assertThatThrownBy(() -> model.useThresholds(List.of(0.5))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("1 thresholds for 2 labels");
            assertThat(model.facts()).isSameAs(before);
        }
    }
}
