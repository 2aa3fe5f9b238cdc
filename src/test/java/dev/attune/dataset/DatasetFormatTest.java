package dev.attune.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.errors.InvalidInput;
import org.junit.jupiter.api.Test;

class DatasetFormatTest {

    @Test
    void fileNameDecidesFormatIgnoringGzAndCase() {
        assertThat(DatasetFormat.fromFileName("Reviews.CSV.gz")).contains(DatasetFormat.CSV);
        assertThat(DatasetFormat.fromFileName("a.tsv")).contains(DatasetFormat.TSV);
        assertThat(DatasetFormat.fromFileName("a.ndjson")).contains(DatasetFormat.JSONL);
        assertThat(DatasetFormat.fromFileName("a.txt")).isEmpty();
    }

    @Test
    void contentSniffingRecognisesJsonTabsAndCommas() {
        assertThat(DatasetFormat.sniff("  {\"text\":\"a, b\"}")).isEqualTo(DatasetFormat.JSONL);
        assertThat(DatasetFormat.sniff("text\tlabel\na, b\tc")).isEqualTo(DatasetFormat.TSV);
        assertThat(DatasetFormat.sniff("text,label\na\tb,c")).isEqualTo(DatasetFormat.CSV);
    }

    @Test
    void unknownExplicitFormatIsAProblem() {
        assertThatThrownBy(() -> DatasetFormat.parse("xml")).isInstanceOf(InvalidInput.class)
                .hasMessageContaining("CSV");
    }
}
