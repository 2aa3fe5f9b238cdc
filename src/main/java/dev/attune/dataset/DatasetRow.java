package dev.attune.dataset;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One stored example.
 *
 * @param index its position, from 0 in upload order (skipped rows excluded)
 * @param text the text
 * @param textPair the second text of a sentence pair; null (left out) in a data set of single texts
 * @param labels its labels: one, or several in a multi-label data set; none in a data set without labels
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetRow(long index, String text, String textPair, List<String> labels) {

    public DatasetRow {
        labels = List.copyOf(labels);
    }

    public DatasetRow(long index, String text, String label) {
        this(index, text, null, List.of(label));
    }

    public DatasetRow(long index, String text, List<String> labels) {
        this(index, text, null, labels);
    }

    /** The label cell: the label, or several joined with ","; null (left out) for a row without labels. */
    @JsonProperty("label")
    @Schema(description = "The label cell: the label, or several joined with \",\"; absent in a data set without "
            + "labels", example = "positive")
    public String label() {
        return labels.isEmpty() ? null : String.join(",", labels);
    }
}
