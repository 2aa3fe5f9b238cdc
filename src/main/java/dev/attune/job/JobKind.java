package dev.attune.job;

/**
 * A kind of work the queue runs, as each feature declares it (fine-tuning, batch predictions): the queue stores
 * {@link #id()} in the job row's {@code kind} column, reads the row's config as {@link #specType()}, and hands the
 * job to the {@link JobHandler} of its kind, without knowing the work itself.
 */
public record JobKind(String id, Class<? extends JobSpec> specType) {
}
