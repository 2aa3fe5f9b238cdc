package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LongText;
import dev.attune.modeling.TextEncoder;
import dev.attune.modeling.WindowRule;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluate as you serve (issue 32): a sliding-window model's validation (which picks the best checkpoint) averages
 * each text's windows exactly as /predict does, where it used to read the first window only.
 */
class ServedEvaluationTest {

    private static final int MAX_LENGTH = 16;
    private static final WindowRule SLIDING = new WindowRule(LongText.SLIDING_WINDOW, 8);

    @TempDir
    Path dir;

    /** Long reviews: the verdict word sits anywhere, so the first window alone often misses it. */
    private static List<Example> longReviews(Random random, int count) {
        String[] filler = {"a", "the", "movie", "film", "story", "is", "was", "and", "with", "plot"};
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int label = i % 2;
            StringBuilder text = new StringBuilder();
            int length = 20 + random.nextInt(30);
            int verdictAt = random.nextInt(length);
            for (int w = 0; w < length; w++) {
                text.append(w == verdictAt ? (label == 1 ? "wonderful" : "awful") : filler[random.nextInt(filler.length)])
                        .append(' ');
            }
            examples.add(new Example(text.toString().trim(), label));
        }
        return examples;
    }

    @Test
    void validationAveragesEachTextsWindowsAsServingDoes() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            List<Example> examples = longReviews(new Random(3), 12);
            TokenizedExamples windows = TokenizedExamples.windowsOf(examples, model.textEncoder(), MAX_LENGTH,
                    model.config().padTokenId(), SLIDING.stride());
            assertThat(windows.size()).isGreaterThan(3 * examples.size());
            WindowedLogits validation = new WindowedLogits(new EncoderLogits(model, windows), windows.windowStarts());
            assertThat(validation.size()).isEqualTo(examples.size());

            List<List<TextEncoder.Tokens>> served = model.textEncoder().windows(
                    examples.stream().map(Example::text).toList(), null, MAX_LENGTH, SLIDING.rule(), SLIDING.stride());
            float[][] expected = model.logitsOfWindows(served); // what /predict averages
            for (int[] batch : validation.evaluationBatches(10)) {
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray logits = validation.logits(scope, batch, false);
                    float[] flat = logits.toFloatArray();
                    for (int i = 0; i < batch.length; i++) {
                        for (int c = 0; c < 2; c++) {
                            assertThat(flat[i * 2 + c]).as("text %d", batch[i]).isCloseTo(expected[batch[i]][c],
                                    within(1e-5f));
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSlidingWindowRunsBestValidationScoreIsItsServedScoreOnThoseRows() {
        List<Example> train = longReviews(new Random(1), 48);
        List<Example> validation = longReviews(new Random(2), 24);
        TrainingOptions options = Options.of("epochs", 3, "learningRate", 3e-3, "batchSize", 8, "maxLength", MAX_LENGTH,
                "warmupRatio", 0.1, "seed", 7L, "longText", "sliding_window", "windowStride", SLIDING.stride());
        Engine.getInstance().setRandomSeed(7);
        Path bestDir = dir.resolve("best");
        TrainingResult result;
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(), List.of("negative",
                "positive"))) {
            long padId = model.config().padTokenId();
            result = new FineTuner(model, options, TrainingListener.NONE).train(
                    TokenizedExamples.windowsOf(train, model.textEncoder(), MAX_LENGTH, padId, SLIDING.stride()),
                    TokenizedExamples.windowsOf(validation, model.textEncoder(), MAX_LENGTH, padId, SLIDING.stride()),
                    bestDir);
        }
        try (ClassifierModel best = ClassifierModel.load(bestDir, Device.cpu())) {
            EvaluationMetrics served = WindowedScoring.evaluate(best, validation, MAX_LENGTH, SLIDING);

            EvaluationMetrics judged = result.best().metrics();
            assertThat(judged.count()).isEqualTo(validation.size());
            assertThat(judged.loss()).isCloseTo(served.loss(), within(1e-4));
            assertThat(judged.score(TrainingOptions.MetricForBest.ACCURACY))
                    .isEqualTo(served.score(TrainingOptions.MetricForBest.ACCURACY));
        }
    }
}
