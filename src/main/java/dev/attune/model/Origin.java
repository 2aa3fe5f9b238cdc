package dev.attune.model;

/** Where a registered model came from. */
public enum Origin {
    /** An already fine-tuned checkpoint imported from disk or the Hub. */
    IMPORT,
    /** The best weights of a fine-tuning job. */
    JOB
}
