package dev.attune.dataset;

import java.util.List;

/**
 * A page of a data set's rows.
 *
 * @param datasetId the data set
 * @param offset index of the first row
 * @param limit most rows asked for
 * @param total rows the data set has
 * @param rows the rows
 */
record DatasetRowsResponse(String datasetId, long offset, int limit, int total, List<DatasetRow> rows) {
}
