package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.attune.modeling.ClassifierModel;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's random NaN: backward once read a scalar tensor whose Java buffer the garbage collector
 * had freed (see {@link dev.attune.modeling.Scalars}). A collector running all the time frees such
 * buffers at once, which turned the rare failure into a certain one: every run here failed with a
 * non-finite gradient before the fix.
 */
class GradientMemorySafetyTest {

    @TempDir
    Path dir;

    @Test
    void trainingUnderConstantGarbageCollectionIsFiniteAndRepeatable() throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!stop.get()) {
                System.gc();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-pressure");
        collector.setDaemon(true);
        collector.start();
        try {
            List<Double> first = stepLosses(0);
            List<Double> second = stepLosses(1);
            assertThat(first).hasSize(13).allMatch(Double::isFinite);
            assertThat(second).as("the same seed gives the same losses").isEqualTo(first);
        } finally {
            stop.set(true);
            collector.join();
        }
    }

    /** Loss after every optimizer step of one short run (tiny-bert, 200 examples, batch 16, lr 1e-3). */
    private List<Double> stepLosses(int run) {
        TrainingOptions options = Options.of("epochs", 1, "learningRate", 1e-3, "batchSize", 16, "maxLength", 32,
                "gradientAccumulationSteps", 2, "seed", 42L);
        List<Double> losses = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onStep(Progress progress) {
                losses.add(progress.loss());
            }
        };
        Engine.getInstance().setRandomSeed(42);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(),
                List.of("negative", "positive"))) {
            var examples = FineTunerTest.examples(new Random(5), 400);
            TokenizedExamples train = TokenizedExamples.of(examples, model.textEncoder(), 32, model.config().padTokenId());
            TokenizedExamples validation = TokenizedExamples.of(examples.subList(0, 32), model.textEncoder(), 32,
                    model.config().padTokenId());
            new FineTuner(model, options, recorder).train(train, validation, dir.resolve("best-" + run));
        }
        return losses;
    }
}
