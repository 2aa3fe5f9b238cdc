package dev.attune.audit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetRow;
import dev.attune.dataset.DatasetService;
import dev.attune.errors.Conflict;
import dev.attune.errors.InvalidInput;

import org.springframework.stereotype.Component;

/**
 * What an audit's suspects change: a new data set without them ({@code drop}) or with their suggested labels
 * ({@code relabel}), made from the audited data set's rows in their order; the audited data set stays as it was.
 */
@Component
class AuditCleaning {

    enum Mode {
        DROP, RELABEL
    }

    /**
     * The data set an audit's clean made.
     *
     * @param id its id: a job's or a sweep's datasetId (/api/v1/datasets/{id})
     * @param name its name
     * @param rowCount its rows
     * @param labels rows per label
     * @param parentDatasetId the audited data set, unchanged
     * @param auditId the audit whose suspects it left out or relabelled
     * @param mode drop or relabel
     * @param changedRows the suspects dropped or relabelled
     */
    record CleanedDataset(String id, String name, int rowCount, SortedMap<String, Integer> labels,
            String parentDatasetId, String auditId, String mode, int changedRows) {
    }

    private final AuditService service;
    private final AuditRepository audits;
    private final DatasetService datasets;

    AuditCleaning(AuditService service, AuditRepository audits, DatasetService datasets) {
        this.service = service;
        this.audits = audits;
        this.datasets = datasets;
    }

    /** @param top only the {@code top} most suspect rows (null: every suspect) */
    CleanedDataset clean(String datasetId, String auditId, String modeName, String name, Integer top)
            throws IOException {
        AuditRepository.AuditRow audit = service.get(datasetId, auditId);
        Mode mode = mode(modeName);
        if (top != null && top < 1) {
            throw new InvalidInput("Invalid top", "top: 1 or more (the most suspect rows to change), was " + top + ".")
                    .with("errors", List.of("top: 1 or more, was " + top));
        }
        if (audit.status() != AuditStatus.SUCCEEDED) {
            throw new Conflict("Audit not finished", "Audit " + auditId + " is " + audit.status()
                    + "; only a SUCCEEDED audit has suspects to clean.");
        }
        Dataset parent = datasets.get(datasetId);
        Map<Long, String> suggested = new HashMap<>();
        List<AuditRepository.Suspect> suspects = suspects(auditId);
        for (AuditRepository.Suspect suspect : top == null ? suspects : suspects.subList(0, Math.min(top, suspects.size()))) {
            suggested.put(suspect.rowIndex(), suspect.suggestedLabel());
        }
        List<DatasetRow> rows = new ArrayList<>();
        for (DatasetRow row : datasets.allRows(datasetId)) {
            String label = suggested.get(row.index());
            if (label == null) {
                rows.add(row);
            } else if (mode == Mode.RELABEL) {
                rows.add(new DatasetRow(row.index(), row.text(), row.textPair(), List.of(label)));
            }
        }
        String newName = name != null && !name.isBlank() ? name.trim() : parent.name() + " ("
                + (mode == Mode.DROP ? "without " : "relabelling ") + suggested.size() + " suspects of audit "
                + auditId.substring(0, 8) + ")";
        Dataset created = datasets.createFrom(parent.id(), newName, rows); // a version of the audited data set
        return new CleanedDataset(created.id(), created.name(), created.rowCount(), created.labels(), datasetId, auditId,
                mode.name().toLowerCase(Locale.ROOT), suggested.size());
    }

    /** Every suspect, most suspect first. */
    List<AuditRepository.Suspect> suspects(String auditId) {
        return audits.suspects(auditId, 0, Integer.MAX_VALUE);
    }

    private static Mode mode(String mode) {
        try {
            return Mode.valueOf(String.valueOf(mode).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("Invalid clean mode", "mode: drop (a data set without the suspects) or relabel "
                    + "(the suspects with their suggested labels), was " + mode + ".")
                    .with("errors", List.of("mode: drop or relabel, was " + mode));
        }
    }
}
