package dev.attune.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Where a run stands between batches: the counters, the best evaluation so far, and the batch
 * shuffler's state as of the start of the current epoch (so a resumed run regenerates the same
 * batches and skips those already done). {@link Snapshot} is its saved form.
 */
final class RunState {

    int epoch;
    int nextBatch;
    long step;
    long samples;
    int evaluationsWithoutGain;
    EvaluationPoint best;
    final List<EvaluationPoint> history = new ArrayList<>();
    Random random;
    byte[] epochStartRandom;
    LossScale lossScale = LossScale.NONE;
    /** The attention dropout the run trains with: decided when it starts, kept when it resumes. */
    double attentionDropout;

    static RunState fresh(long seed, boolean lossScaling, double attentionDropout) {
        RunState state = new RunState();
        state.random = new Random(seed);
        state.lossScale = lossScaling ? LossScale.dynamic() : LossScale.NONE;
        state.attentionDropout = attentionDropout;
        return state;
    }

    /** Marks the start of an epoch: remembers the shuffler so this epoch's batches can be rebuilt. */
    void startEpoch() {
        epochStartRandom = serialize(random);
    }

    /** The state to save after batch {@code batchIndex} of {@code batchCount} was trained and evaluated. */
    Snapshot snapshotAfter(int batchIndex, int batchCount) {
        boolean endOfEpoch = batchIndex == batchCount - 1;
        return new Snapshot(endOfEpoch ? epoch + 1 : epoch, endOfEpoch ? 0 : batchIndex + 1, step, samples,
                evaluationsWithoutGain, best, List.copyOf(history),
                Base64.getEncoder().encodeToString(endOfEpoch ? serialize(random) : epochStartRandom),
                lossScale.isDynamic() ? lossScale.scale() : null, lossScale.isDynamic() ? lossScale.goodSteps() : null,
                attentionDropout);
    }

    /** @param checkpointAttentionDropout what runs started before the option trained with (the config's) */
    static RunState of(Snapshot snapshot, double checkpointAttentionDropout) {
        RunState state = new RunState();
        state.epoch = snapshot.epoch();
        state.nextBatch = snapshot.nextBatch();
        state.step = snapshot.step();
        state.samples = snapshot.samples();
        state.evaluationsWithoutGain = snapshot.evaluationsWithoutGain();
        state.best = snapshot.best();
        state.history.addAll(snapshot.history());
        state.random = deserialize(Base64.getDecoder().decode(snapshot.random()));
        state.lossScale = snapshot.lossScale() == null ? LossScale.NONE
                : LossScale.restored(snapshot.lossScale(), snapshot.lossScaleGoodSteps());
        state.attentionDropout = snapshot.attentionDropout() != null ? snapshot.attentionDropout()
                : checkpointAttentionDropout;
        return state;
    }

    /**
     * The saved form of a run's state (JSON in the resume point).
     *
     * @param lossScale fp16's dynamic loss scale; null for other precisions (and resume points from before it)
     * @param lossScaleGoodSteps good steps since the scale last changed
     * @param attentionDropout the run's attention dropout; null in resume points from before the option (the config's)
     */
    record Snapshot(int epoch, int nextBatch, long step, long samples, int evaluationsWithoutGain, EvaluationPoint best,
            List<EvaluationPoint> history, String random, Double lossScale, Integer lossScaleGoodSteps,
            Double attentionDropout) {
    }

    private static byte[] serialize(Random random) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(random);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Random deserialize(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (Random) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("unreadable shuffler state", e);
        }
    }
}
