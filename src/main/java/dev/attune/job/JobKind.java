package dev.attune.job;

/**
 * What kind of work a job is: the queue runs a job by handing it to the {@link JobHandler} of its kind, without
 * knowing the work itself. {@link #id()} is what the {@code job} table's {@code kind} column stores.
 */
enum JobKind {

    /** Fine-tunes a base model and registers the result. */
    TRAINING("training"),

    /** Scores a data set with a registered model (a batch prediction). */
    SCORING("scoring");

    private final String id;

    JobKind(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    /** The kind a config asks for: a scoring section makes a batch prediction. The one place a kind is derived. */
    static JobKind of(JobConfig config) {
        return config.scoring() == null ? TRAINING : SCORING;
    }

    /**
     * The kind of a stored row. Rows stored before V20 have no kind or the column's default ({@code training}),
     * even a batch prediction the migration's backfill missed: for those the config decides, as at insert.
     *
     * @return null for an id this node does not know (a newer node's kind): no handler runs it
     */
    static JobKind stored(String id, JobConfig config) {
        if (id == null || id.equals(TRAINING.id)) {
            return of(config);
        }
        for (JobKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        return null;
    }
}
