package dev.attune.dataset;

import java.util.List;

/** A page of a data set's rows. */
record DatasetRowsResponse(String datasetId, long offset, int limit, int total, List<DatasetRow> rows) {
}
