package dev.attune.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.attune.errors.InvalidInput;
import org.junit.jupiter.api.Test;

/** The one rule for an uploaded row its parent holds: the same labels, left out; other labels, refused. */
class VersionRowsTest {

    private static final List<DatasetRow> PARENT = List.of(new DatasetRow(0, "good", List.of("joy", "fun")),
            new DatasetRow(1, "bad", List.of("anger")), new DatasetRow(2, "q", "a", List.of("yes")));

    @Test
    void theParentsRowsComeFirstThenTheNewOnesAndRowsItHoldsAreLeftOut() {
        VersionRows merged = VersionRows.merge(PARENT, List.of(new DatasetRow(0, "new", List.of("joy")),
                new DatasetRow(1, "good", List.of("fun", "joy")), new DatasetRow(2, "new", List.of("joy")),
                new DatasetRow(3, "q", "other", List.of("no"))));
        assertThat(merged.duplicates()).as("'good' with the same labels in another order").isOne();
        assertThat(merged.rows()).extracting(DatasetRow::text).containsExactly("good", "bad", "q", "new", "new", "q");
    }

    @Test
    void aParentsRowWithOtherLabelsRefusesTheUploadNamingIt() {
        assertThatThrownBy(() -> VersionRows.merge(PARENT, List.of(new DatasetRow(0, "fine", List.of("joy")),
                new DatasetRow(1, "bad", List.of("joy")), new DatasetRow(2, "q", "a", List.of("no")))))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("2 uploaded row(s)")
                .hasMessageContaining("uploaded row 1 (labels [joy]) is the parent's row 1 (labels [anger])")
                .hasMessageContaining("uploaded row 2 (labels [no]) is the parent's row 2 (labels [yes])");
    }
}
