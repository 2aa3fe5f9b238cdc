package dev.attune.feedback;

import java.util.SortedMap;

/**
 * The data set made from feedback: a job (POST /api/v1/jobs), sweep or audit can use its id.
 *
 * @param id the new data set's id
 * @param name its name
 * @param rowCount its rows: trainingRows, then feedbackRows
 * @param labels rows per label
 * @param parentDatasetId the data set it is a version of
 * @param feedbackRows the feedback that became rows (text and true labels), oldest answer first
 * @param trainingRows the parent's rows put first (0 unless includeTrainingRows)
 * @param leftOutWithoutText feedback left out because its text is unknown (the request log kept no texts, and the
 *     feedback did not send one)
 */
record FeedbackDataset(String id, String name, int rowCount, SortedMap<String, Integer> labels, String parentDatasetId,
        int feedbackRows, int trainingRows, int leftOutWithoutText) {
}
