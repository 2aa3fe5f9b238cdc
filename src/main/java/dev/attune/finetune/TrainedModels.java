package dev.attune.finetune;

import java.io.IOException;

import ai.djl.Device;

import dev.attune.model.ModelMetrics;
import dev.attune.model.ModelService;
import dev.attune.model.Origin;
import dev.attune.model.RegisteredModel;
import dev.attune.model.Training;
import dev.attune.modeling.ClassifierModel;
import dev.attune.training.EvaluationPoint;
import dev.attune.training.FineTuneOutcome;
import dev.attune.training.TrainableParameters;
import dev.attune.training.TrainingOptions;

import dev.attune.monitoring.ReferenceFigures;
import dev.attune.training.Example;

import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/** Registers what a job's run produced as a model, with the figures the run measured. */
@Component
class TrainedModels {

    private final ModelService models;
    private final ObjectMapper mapper;
    private final ReferenceFigures references;

    TrainedModels(ModelService models, ObjectMapper mapper, ReferenceFigures references) {
        this.models = models;
        this.mapper = mapper;
        this.references = references;
    }

    /** The registered model of a finished run: its best weights, named as the job is. */
    RegisteredModel register(String jobId, FineTuningConfig config, FineTuneOutcome outcome) throws IOException {
        // the name was resolved at submission; a job stored before that may have none
        String name = config.name() != null ? config.name() : "fine-tuned " + config.baseModel().shortName();
        try (ClassifierModel best = ClassifierModel.load(outcome.bestDir(), Device.cpu())) {
            best.useWindowRule(outcome.windowRule());
            best.useMaxLength(outcome.maxLength()); // served reading what it was trained and tested on
            if (outcome.calibration() != null) { // served probabilities are calibrated; decisions stay the same
                best.useThresholds(outcome.calibration().thresholdsAfter(best.thresholds()));
                best.useCalibration(outcome.calibration());
            }
            long trainable = TrainableParameters.count(best, config.options());
            // a path's or Hub snapshot's base: the run's own copy of it, which it trained over
            Training training = best.adapter() != null
                    ? models.adapterBase(config.baseModel(), trainable, best.adapter().baseDir())
                    : new Training(config.options().strategy().id(), trainable, null, null, null);
            RegisteredModel model = models.register(best, name, config.baseModel().text(), Origin.JOB, jobId,
                    metricsOf(outcome, config.options()), outcome.textPairs(), training);
            // what monitoring compares the model's traffic with: its validation rows, answered as it serves them
            references.measureAndStore(model.id(), best, outcome.validation().stream().map(Example::text).toList(),
                    outcome.textPairs() ? outcome.validation().stream().map(Example::textPair).toList() : null,
                    "validation rows of job " + jobId);
            return model;
        }
    }

    private ModelMetrics metricsOf(FineTuneOutcome outcome, TrainingOptions options) {
        EvaluationPoint best = outcome.result().best();
        return new ModelMetrics(options.metricForBest().id(), best.metrics().score(options.metricForBest()), best.step(),
                best.epoch(), mapper.valueToTree(best.metrics()),
                outcome.test() == null ? null : mapper.valueToTree(outcome.test()), outcome.quantization(),
                outcome.overMaxLength());
    }
}
