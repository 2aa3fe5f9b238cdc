package dev.attune.training;

import dev.attune.work.WorkFailedException;

/** The run cannot go on: a non-finite loss, or an input or configuration that cannot be trained. */
public class TrainingFailedException extends WorkFailedException {

    public TrainingFailedException(String reason, String message) {
        super(reason, message);
    }
}
