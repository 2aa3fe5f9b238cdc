package dev.attune.deployment;

import java.util.List;

import dev.attune.model.ModelDeployments;

import org.springframework.stereotype.Component;

/** Answers the model package's question (which deployments use a model) from the deployment table. */
@Component
class ModelsInDeployments implements ModelDeployments {

    private final DeploymentRepository repository;

    ModelsInDeployments(DeploymentRepository repository) {
        this.repository = repository;
    }

    @Override
    public List<String> deploymentsUsing(String modelId) {
        return repository.namesUsing(modelId);
    }
}
