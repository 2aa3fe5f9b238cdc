package dev.attune.serving;

import java.util.List;

/** The answer to a predict request: which model answered, its token limit (longer texts are truncated), one entry per text. */
record PredictResponse(String model, int maxLength, List<Prediction> predictions) {
}
