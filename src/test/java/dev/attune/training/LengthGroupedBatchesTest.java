package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;

/** Training batches: length-grouped (the default) or random, each a permutation of the data set. */
class LengthGroupedBatchesTest {

    private static TokenizedExamples data() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(),
                List.of("negative", "positive"))) {
            return TokenizedExamples.of(FineTunerTest.examples(new Random(3), 800), model.textEncoder(), 32,
                    model.config().padTokenId());
        }
    }

    @Test
    void bothKindsUseEveryExampleOnceAndRepeatForTheSameShufflerState() {
        TokenizedExamples data = data();
        for (boolean grouped : new boolean[] {true, false}) {
            List<int[]> batches = grouped ? LengthGroupedBatches.forTraining(data, 16, new Random(9))
                    : LengthGroupedBatches.shuffled(data.size(), 16, new Random(9));
            assertThat(batches).hasSize(50).allSatisfy(batch -> assertThat(batch).hasSize(16));
            assertThat(batches.stream().flatMapToInt(Arrays::stream).sorted().toArray())
                    .isEqualTo(IntStream.range(0, data.size()).toArray());
            List<int[]> again = grouped ? LengthGroupedBatches.forTraining(data, 16, new Random(9))
                    : LengthGroupedBatches.shuffled(data.size(), 16, new Random(9));
            assertThat(again).usingRecursiveFieldByFieldElementComparator().isEqualTo(batches);
        }
    }

    @Test
    void groupedBatchesPadLessThanRandomOnes() {
        TokenizedExamples data = data();
        long grouped = padded(data, LengthGroupedBatches.forTraining(data, 16, new Random(9)));
        long random = padded(data, LengthGroupedBatches.shuffled(data.size(), 16, new Random(9)));
        assertThat(grouped).isLessThan(random * 3 / 4);
    }

    /** Tokens after padding each batch to its longest text. */
    private static long padded(TokenizedExamples data, List<int[]> batches) {
        return batches.stream().mapToLong(b -> (long) b.length * Arrays.stream(b).map(data::length).max().orElse(0)).sum();
    }
}
