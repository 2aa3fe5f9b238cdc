package dev.attune.deployment;

import java.util.List;

import dev.attune.model.ModelDeployments;

import org.springframework.stereotype.Component;

/** Answers the model package's question (which deployments use a model) from the deployment table. */
@Component
class ModelsInDeployments implements ModelDeployments {

    private final DeploymentRepository repository;
    private final DeploymentService deployments;

    ModelsInDeployments(DeploymentRepository repository, @org.springframework.context.annotation.Lazy
            DeploymentService deployments) {
        this.repository = repository;
        this.deployments = deployments;
    }

    @Override
    public String promoted(String modelId) {
        return deployments.promote(modelId) ? Deployment.DEFAULT : null;
    }

    @Override
    public List<String> deploymentsUsing(String modelId) {
        return repository.namesUsing(modelId);
    }
}
