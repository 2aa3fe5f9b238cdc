package dev.attune.job;

/**
 * Where a running job stands, as written to the job resource and sent as SSE "progress" events.
 *
 * @param phase preparing, training, evaluating, testing, saving or scoring; done once the job has ended
 * @param phaseDone units of the phase done: steps while training, batches while evaluating or testing
 * @param phaseTotal units the phase has; 0 when it is not counted
 * @param epoch the epoch being trained, from 1; null before the first step
 * @param step optimizer steps done
 * @param totalSteps optimizer steps the run will make; null before training starts
 * @param samplesPerSecond training throughput so far
 * @param etaSeconds estimated time to the end, evaluations included
 * @param loss the last step's training loss
 * @param learningRate the last step's learning rate
 */
record JobProgress(String phase, long phaseDone, long phaseTotal, Integer epoch, long step, Long totalSteps,
        Double samplesPerSecond, Double etaSeconds, Double loss, Double learningRate) {
}
