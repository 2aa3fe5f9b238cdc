package dev.attune.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import java.nio.FloatBuffer;

import ai.djl.Device;
import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LoraAdapter;
import dev.attune.modeling.LoraSettings;
import dev.attune.modeling.SetFitClassifier;
import dev.attune.modeling.LongText;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;

/**
 * Integrated gradients on the golden tiny classifiers, libtorch fp32: completeness, the path's ends, batching. The
 * baseline keeps the text's positions and token types (only word embeddings move), so for BERT and DistilBERT its end
 * is a plain forward pass of the baseline ids; RoBERTa would count the padding tokens' positions otherwise.
 */
class ModelAttributionsTest {

    private static final String TEXT = "a gorgeous, witty, seductive movie";

    @Test
    void attributionsShareOutTheLogitDifferenceOfAPlainForwardPass() {
        for (String name : List.of("tiny-bert-sst2", "tiny-distilbert-sst2", "tiny-roberta-sst2")) {
            try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu())) {
                ReadText read = ReadText.of(TEXT, model.textEncoder().encoding(TEXT, null, 0), model.maxLength(),
                        LongText.TRUNCATE);
                for (int label = 0; label < model.config().numLabels(); label++) {
                    IntegratedGradients.Result result = ModelAttributions.of(model, read, label, 32, 32);

                    float[] atInput = ModelAttributions.logits(model, read.ids(), read.typeIds());
                    float[] atBaseline = ModelAttributions.logits(model,
                            read.baselineIds(model.textEncoder().padId()), read.typeIds());
                    assertThat(result.atInput()).as(name).isCloseTo(atInput[label], within(1e-4));
                    if (!name.contains("roberta")) { // RoBERTa counts positions from the ids: padding would move them
                        assertThat(result.atBaseline()).as(name).isCloseTo(atBaseline[label], within(1e-4));
                    } else {
                        assertThat(result.atBaseline()).as(name).isNotCloseTo(atBaseline[label], within(1e-3));
                    }
                    assertThat(result.difference()).as(name).isNotCloseTo(0, within(1e-3));
                    assertThat(result.completenessError()).as(name + " label " + label)
                            .isLessThan(0.05 * Math.abs(result.difference()));
                    float[] special = specialTokens(read, result.attributions());
                    assertThat(special).as("special tokens are the baseline's: nothing to attribute").containsOnly(0f);
                }
            }
        }
    }

    @Test
    void stepsBatchedGiveTheSameNumbersAsStepsOneByOne() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            ReadText read = ReadText.of(TEXT, model.textEncoder().encoding(TEXT, null, 0), model.maxLength(),
                    LongText.TRUNCATE);
            IntegratedGradients.Result batched = ModelAttributions.of(model, read, 1, 16, 16);
            IntegratedGradients.Result oneByOne = ModelAttributions.of(model, read, 1, 16, 1);
            IntegratedGradients.Result uneven = ModelAttributions.of(model, read, 1, 16, 5);
            for (int t = 0; t < read.ids().length; t++) {
                assertThat(oneByOne.attributions()[t]).isCloseTo(batched.attributions()[t], within(1e-5f));
                assertThat(uneven.attributions()[t]).isCloseTo(batched.attributions()[t], within(1e-5f));
            }
            assertThat(oneByOne.difference()).isCloseTo(batched.difference(), within(1e-5));
        }
    }

    @Test
    void repeatedExplanationsKeepNativeMemoryFlat() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            ReadText read = ReadText.of(TEXT, model.textEncoder().encoding(TEXT, null, 0), model.maxLength(),
                    LongText.TRUNCATE);
            ModelAttributions.of(model, read, 0, 8, 4);
            int arrays = model.manager().getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                ModelAttributions.of(model, read, 0, 8, 4);
            }
            assertThat(model.manager().getManagedArrays()).hasSize(arrays); // every pass freed in its scope
        }
    }

    @Test
    void loraAndSetFitModelsAreExplainedThroughTheirOwnForward() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            ReadText read = ReadText.of(TEXT, model.textEncoder().encoding(TEXT, null, 0), model.maxLength(),
                    LongText.TRUNCATE);
            float[] base = ModelAttributions.logits(model, read.ids(), read.typeIds());
            LoraAdapter lora = model.attachLora(LoraSettings.NONE.withDefaults("bert"), 3, Golden.dir("tiny-bert-sst2"));
            lora.pairs().values().forEach(pair -> pair.b().set(FloatBuffer.wrap(sines((int) pair.b().size()))));
            float[] adapted = ModelAttributions.logits(model, read.ids(), read.typeIds());
            assertThat(adapted[1]).as("the adapter changes the answer").isNotCloseTo(base[1], within(1e-2f));

            IntegratedGradients.Result result = ModelAttributions.of(model, read, 1, 32, 32);
            assertThat(result.atInput()).isCloseTo(adapted[1], within(1e-4));
            assertThat(result.completenessError()).isLessThan(0.05 * Math.abs(result.difference()));
        }
        try (ClassifierModel model = ClassifierModel.loadSetFit(Golden.dir("tiny-bert"), Device.cpu(),
                List.of("negative", "positive"), AttentionImplementation.SDPA)) {
            ((SetFitClassifier) model.block()).useHead(FloatBuffer.wrap(sines(2 * model.config().hiddenSize())),
                    FloatBuffer.wrap(new float[] {0.5f, -0.25f}));
            ReadText read = ReadText.of(TEXT, model.textEncoder().encoding(TEXT, null, 0), model.maxLength(),
                    LongText.TRUNCATE);
            IntegratedGradients.Result result = ModelAttributions.of(model, read, 0, 32, 32);
            assertThat(result.atInput()).isCloseTo(ModelAttributions.logits(model, read.ids(), read.typeIds())[0],
                    within(1e-4));
            assertThat(result.difference()).isNotCloseTo(0, within(1e-3));
            assertThat(result.completenessError()).isLessThan(0.05 * Math.abs(result.difference()));
        }
    }

    private static float[] sines(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = 0.05f * (float) Math.sin(i);
        }
        return values;
    }

    private static float[] specialTokens(ReadText read, float[] perToken) {
        int count = 0;
        for (int w : read.wordOf()) {
            count += w < 0 ? 1 : 0;
        }
        float[] special = new float[count];
        for (int i = 0, next = 0; i < perToken.length; i++) {
            if (read.wordOf()[i] < 0) {
                special[next++] = perToken[i];
            }
        }
        return special;
    }
}
