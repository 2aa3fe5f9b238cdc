package dev.attune.feedback;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The accuracy feedback shows for one deployment and model: the share of corrected answers that were right, with
 * its 95% Wilson score interval (sound for small counts and for accuracies near 0 or 1, where the normal
 * approximation's interval leaves [0, 1]).
 *
 * @param deployment the deployment that routed the answers; absent for answers no deployment routed
 * @param model the model that answered
 * @param count the answers with feedback whose answer is known
 * @param correct those the model got right
 * @param accuracy correct / count
 * @param lower the 95% Wilson interval's lower bound
 * @param upper the 95% Wilson interval's upper bound
 * @param firstServed the oldest of those answers
 * @param lastServed the newest of those answers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record LiveAccuracy(String deployment, String model, long count, long correct, double accuracy, double lower,
        double upper, Instant firstServed, Instant lastServed) {

    /** The normal quantile of a two-sided 95% interval. */
    static final double Z95 = 1.959963984540054;

    static LiveAccuracy of(FeedbackRepository.Tally tally) {
        double[] interval = wilson(tally.right(), tally.answers(), Z95);
        return new LiveAccuracy(tally.deployment(), tally.modelId(), tally.answers(), tally.right(),
                (double) tally.right() / tally.answers(), interval[0], interval[1], tally.firstServed(),
                tally.lastServed());
    }

    /** Wilson's score interval for {@code successes} of {@code n} (n > 0): {lower, upper}. */
    static double[] wilson(long successes, long n, double z) {
        double p = (double) successes / n;
        double z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4.0 * n)) / (1 + z2n);
        // exactly 0 and 1 at the edges, where rounding would leave 1e-16 off
        return new double[] {successes == 0 ? 0 : centre - half, successes == n ? 1 : centre + half};
    }
}
