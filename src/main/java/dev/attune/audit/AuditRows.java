package dev.attune.audit;

import java.util.List;

import dev.attune.dataset.DatasetRow;
import dev.attune.training.LabelledData;

/**
 * A data set's rows as an audit reads them: one label each, class ids by sorted label name (as a fine-tuning run
 * numbers them), in upload order.
 */
record AuditRows(List<DatasetRow> rows, List<String> labels, int[] labelIds) {

    static AuditRows of(List<DatasetRow> rows) {
        List<String> labels = LabelledData.labelsOf(rows);
        int[] ids = rows.stream().mapToInt(row -> labels.indexOf(row.labels().get(0))).toArray();
        return new AuditRows(rows, labels, ids);
    }

    int size() {
        return rows.size();
    }
}
