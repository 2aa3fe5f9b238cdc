package dev.attune.deployment;

import java.util.List;

import dev.attune.model.ModelDeployments;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Answers the model package's question (which deployments use a model) from the deployment table. The deployment
 * service needs the model service, which needs this: the service is looked up when first asked, not injected (an
 * {@code ObjectProvider} rather than {@code @Lazy}, whose proxy Spring's ahead-of-time processing cannot build).
 */
@Component
class ModelsInDeployments implements ModelDeployments {

    private final DeploymentRepository repository;
    private final ObjectProvider<DeploymentService> deployments;

    ModelsInDeployments(DeploymentRepository repository, ObjectProvider<DeploymentService> deployments) {
        this.repository = repository;
        this.deployments = deployments;
    }

    @Override
    public String promoted(String modelId) {
        return deployments.getObject().promote(modelId) ? Deployment.DEFAULT : null;
    }

    @Override
    public List<String> deploymentsUsing(String modelId) {
        return repository.namesUsing(modelId);
    }
}
