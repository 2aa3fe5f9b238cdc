package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The validation hold-out: stratified by label, seeded, never empty for a label that has two rows. */
class StratifiedSplitTest {

    @Test
    void eachLabelKeepsItsShareInBothParts() {
        List<Example> examples = examples(Map.of(0, 80, 1, 20));
        LabelledData.Split split = LabelledData.stratifiedSplit(examples, 0.1, 42);
        assertThat(counts(split.validation())).containsEntry(0, 8L).containsEntry(1, 2L);
        assertThat(counts(split.train())).containsEntry(0, 72L).containsEntry(1, 18L);
        List<Example> all = new ArrayList<>(split.train());
        all.addAll(split.validation());
        assertThat(all).containsExactlyInAnyOrderElementsOf(examples);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        List<Example> examples = examples(Map.of(0, 50, 1, 50));
        assertThat(LabelledData.stratifiedSplit(examples, 0.2, 7)).isEqualTo(LabelledData.stratifiedSplit(examples, 0.2, 7));
        assertThat(LabelledData.stratifiedSplit(examples, 0.2, 7).validation())
                .isNotEqualTo(LabelledData.stratifiedSplit(examples, 0.2, 8).validation());
    }

    @Test
    void aRareLabelWithTwoRowsHasOneOnEachSide() {
        LabelledData.Split split = LabelledData.stratifiedSplit(examples(Map.of(0, 100, 1, 2)), 0.1, 1);
        assertThat(counts(split.validation())).containsEntry(1, 1L);
        assertThat(counts(split.train())).containsEntry(1, 1L);
    }

    private static List<Example> examples(Map<Integer, Integer> countByLabel) {
        List<Example> examples = new ArrayList<>();
        countByLabel.forEach((label, count) -> {
            for (int i = 0; i < count; i++) {
                examples.add(new Example("text " + label + " " + i, label));
            }
        });
        return examples;
    }

    private static Map<Integer, Long> counts(List<Example> examples) {
        return examples.stream().collect(Collectors.groupingBy(Example::label, Collectors.counting()));
    }
}
