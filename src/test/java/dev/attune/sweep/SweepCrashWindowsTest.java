package dev.attune.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.attune.checkpoint.ModelReference;
import dev.attune.finetune.FineTuningConfig;
import dev.attune.job.Job;
import dev.attune.job.JobStatus;
import dev.attune.training.ClassificationMetrics;
import dev.attune.training.EvaluationPoint;
import dev.attune.training.TrainingOptions;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A sweep across a crash (issue 31): halving's judgement is recorded before the worker acts on it, so a trial resumed
 * before its end was written keeps the judgement it got (stopped again where it was stopped, not stopped where it
 * passed); a deployment owed by a node that died is claimed by one other node once its claim lapsed.
 */
class SweepCrashWindowsTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private JdbcClient jdbc;
    private TrialRungs rungs;

    @BeforeEach
    void open() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:rungs-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/common", "classpath:db/migration/h2")
                .load().migrate();
        jdbc = JdbcClient.create(dataSource);
        rungs = new TrialRungs(new SweepRepository(jdbc, json));
        jdbc.sql("INSERT INTO sweep (id, name, spec, status, created_at) VALUES ('s', 'halving', ?, 'RUNNING', "
                + "CURRENT_TIMESTAMP)").param("""
                {"base": {"datasetId": "d"}, "grid": {"learningRate": [0.1, 0.2]}, "metric": "accuracy",
                 "scheduler": "successive_halving"}""").update();
        for (int trial = 1; trial <= 2; trial++) {
            jdbc.sql("INSERT INTO sweep_trial (sweep_id, trial, job_id, options) VALUES ('s', ?, ?, '{}')")
                    .params(trial, "job-" + trial).update();
        }
    }

    @Test
    void aHaltedTrialStaysHaltedAcrossAResume() {
        Job better = trial("job-1");
        Job worse = trial("job-2");
        assertThat(rungs.stopAfter(better, 1, point(1, 0.9))).as("alone at rung 1").isNull();
        String stop = rungs.stopAfter(worse, 1, point(1, 0.5));
        assertThat(stop).as("the worse half of rung 1").contains("successive halving").contains("rung 1");

        // the worker died before STOPPED was written: the job was taken back and resumed from its resume point
        assertThat(rungs.stoppedBefore(worse)).isEqualTo(stop);
        assertThat(rungs.stoppedBefore(better)).isNull();
        assertThat(rungs.stopAfter(worse, 2, point(2, 0.99))).as("judged once: not again at a later rung")
                .isEqualTo(stop);
        assertThat(jdbc.sql("SELECT rung FROM sweep_rung WHERE job_id = 'job-2' ORDER BY rung").query(Integer.class)
                .list()).as("its rungs are those it reached before it was stopped").isEqualTo(List.of(1));
    }

    /** A review found it: a continue decision was not kept, so a resumed trial was judged anew at a rung it passed. */
    @Test
    void aTrialThatPassedARungIsNotStoppedThereAfterAResume() {
        jdbc.sql("INSERT INTO sweep_trial (sweep_id, trial, job_id, options) VALUES ('s', 3, 'job-3', '{}')").update();
        Job first = trial("job-1");
        assertThat(rungs.stopAfter(first, 1, point(1, 0.5))).as("alone at rung 1: continues").isNull();
        assertThat(rungs.stopAfter(trial("job-2"), 1, point(1, 0.9))).isNull();
        assertThat(rungs.stopAfter(trial("job-3"), 1, point(1, 0.8))).isNull();
        // job-1 died after the evaluation was judged, before its resume point was saved: the same step, rung 1 again
        assertThat(rungs.stoppedBefore(first)).isNull();
        assertThat(rungs.stopAfter(first, 1, point(1, 0.5))).as("it passed rung 1 before the crash").isNull();
    }

    /** A pending deployment is claimed by one node at a time, and only once the claim of the node ending it lapsed. */
    @Test
    void aPendingDeploymentIsClaimedOnceItsClaimLapsed() {
        SweepRepository sweeps = new SweepRepository(jdbc, json);
        assertThat(sweeps.finish("s", SweepStatus.SUCCEEDED, "job-1", null, true)).isTrue();
        assertThat(sweeps.deployPending()).as("the ending node holds it").isEmpty();
        assertThat(sweeps.claimDeployment("s")).isFalse();
        jdbc.sql("UPDATE sweep SET deploy_claimed_until = CURRENT_TIMESTAMP - INTERVAL '1' SECOND").update(); // it died
        assertThat(sweeps.deployPending()).containsExactly("s");
        assertThat(sweeps.claimDeployment("s")).isTrue();
        assertThat(sweeps.claimDeployment("s")).as("another node, meanwhile").isFalse();
        sweeps.deployDone("s");
        jdbc.sql("UPDATE sweep SET deploy_claimed_until = NULL").update();
        assertThat(sweeps.deployPending()).as("made: a later change to the deployment is the user's").isEmpty();
        assertThat(sweeps.claimDeployment("s")).isFalse();
    }

    private Job trial(String id) {
        TrainingOptions options = json.readValue("{\"epochs\": 3}", TrainingOptions.class);
        FineTuningConfig config = new FineTuningConfig("d", ModelReference.parse("org/base"), null, null, id, 0, options);
        return new Job(id, FineTuningConfig.KIND, JobStatus.RUNNING, config, Instant.now(), Job.Execution.NOT_STARTED,
                null, "s");
    }

    /** An evaluation at this epoch with this accuracy (of 100 two-class examples). */
    private static EvaluationPoint point(int epoch, double accuracy) {
        int[] labels = new int[100];
        float[][] probabilities = new float[100][];
        for (int i = 0; i < 100; i++) {
            labels[i] = i % 2;
            boolean right = i < Math.round(accuracy * 100);
            probabilities[i] = (labels[i] == 1) == right ? new float[] {0.2f, 0.8f} : new float[] {0.8f, 0.2f};
        }
        return new EvaluationPoint(epoch * 10L, epoch, 0.5,
                ClassificationMetrics.of(labels, probabilities, 0.5, List.of("negative", "positive")));
    }
}
