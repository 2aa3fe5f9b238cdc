package dev.attune.job;

import ai.djl.Device;

import dev.attune.batch.BatchPredictionSpec;
import dev.attune.finetune.FineTuningConfig;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import tools.jackson.databind.ObjectMapper;

/** The job kinds this version has, registered without their work: for tests of the queue's storage alone. */
final class KindsForTests {

    private KindsForTests() {
    }

    /** Fine-tuning and batch predictions. */
    static JobKinds all(ObjectMapper json) {
        return of(json, registration(FineTuningConfig.KIND), registration(BatchPredictionSpec.KIND));
    }

    static JobKinds of(ObjectMapper json, JobHandler... handlers) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        for (int i = 0; i < handlers.length; i++) {
            beans.addBean("handler" + i, handlers[i]);
        }
        return new JobKinds(beans.getBeanProvider(JobHandler.class), json);
    }

    /** A kind's registration: only kind() is read; the work is each kind's own test's. */
    static JobHandler registration(JobKind kind) {
        return new JobHandler() {
            @Override
            public JobKind kind() {
                return kind;
            }

            @Override
            public String run(JobLease lease, Job job, Device device, JobRunListener listener) {
                throw new UnsupportedOperationException("not run here");
            }
        };
    }
}
