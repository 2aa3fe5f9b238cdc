package dev.attune.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Fold assignment: stratified (each class spread evenly), balanced, and the same for the same seed. */
class FoldsTest {

    /** 103 rows: 50 of class 0, 40 of class 1, 13 of class 2, interleaved. */
    private static final int[] LABELS = IntStream.range(0, 103).map(i -> i < 13 * 3 ? i % 3 : i < 79 ? i % 2 : 0)
            .toArray();

    @Test
    void everyFoldHoldsEachClassesShareWithinOneRow() {
        int[] fold = Folds.assign(LABELS, 5, 42);
        for (int c = 0; c < 3; c++) {
            int[] perFold = new int[5];
            for (int i = 0; i < LABELS.length; i++) {
                if (LABELS[i] == c) {
                    perFold[fold[i]]++;
                }
            }
            int min = Arrays.stream(perFold).min().orElseThrow();
            int max = Arrays.stream(perFold).max().orElseThrow();
            assertThat(max - min).as("class %d per fold %s", c, Arrays.toString(perFold)).isLessThanOrEqualTo(1);
            assertThat(min).as("every fold has class %d", c).isPositive();
        }
        int[] sizes = new int[5];
        Arrays.stream(fold).forEach(f -> sizes[f]++);
        assertThat(Arrays.stream(sizes).max().orElseThrow() - Arrays.stream(sizes).min().orElseThrow())
                .as("fold sizes %s", Arrays.toString(sizes)).isLessThanOrEqualTo(1);
    }

    @Test
    void theSameSeedGivesTheSameFoldsAndAnotherSeedOthers() {
        assertThat(Folds.assign(LABELS, 5, 42)).isEqualTo(Folds.assign(LABELS.clone(), 5, 42));
        assertThat(Folds.assign(LABELS, 5, 43)).isNotEqualTo(Folds.assign(LABELS, 5, 42));
    }

    @Test
    void aClassWithAsManyRowsAsFoldsHasOneRowInEach() {
        int[] labels = {0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
        int[] fold = Folds.assign(labels, 3, 7);
        assertThat(IntStream.range(0, 3).map(i -> fold[i]).sorted().toArray()).containsExactly(0, 1, 2);
    }
}
