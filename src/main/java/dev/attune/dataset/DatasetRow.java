package dev.attune.dataset;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One stored example.
 *
 * @param index its position, from 0 in upload order (skipped rows excluded)
 * @param text the text
 * @param labels its labels: one, or several in a multi-label data set
 */
public record DatasetRow(long index, String text, List<String> labels) {

    public DatasetRow {
        labels = List.copyOf(labels);
    }

    public DatasetRow(long index, String text, String label) {
        this(index, text, List.of(label));
    }

    /** The label cell: the label, or several joined with ",". */
    @JsonProperty("label")
    @Schema(description = "The label cell: the label, or several joined with \",\"", example = "positive")
    public String label() {
        return String.join(",", labels);
    }
}
