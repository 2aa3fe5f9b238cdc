package dev.attune.deployment;

import java.net.URI;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import dev.attune.system.ProblemResponses;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Deployments", description = "Stable names for /predict: the model behind each, canaries, roll-backs")
@RestController
@RequestMapping("/api/v1/deployments")
class DeploymentController {

    private final DeploymentService deployments;

    DeploymentController(DeploymentService deployments) {
        this.deployments = deployments;
    }

    @Operation(operationId = "createDeployment", summary = "Create a deployment", description = "A name other "
            + "services call (/predict with \"deployment\": name) and the model that answers. The deployment named "
            + "\"default\" answers every /predict that names no model or deployment.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @ProblemResponses(409)
    ResponseEntity<DeploymentResponse> create(@Valid @RequestBody DeploymentRequests.Create request) {
        Deployment deployment = deployments.create(request.name(), request.modelId());
        return ResponseEntity.created(URI.create("/api/v1/deployments/" + deployment.name()))
                .body(DeploymentResponse.of(deployment, deployments.history(deployment.name())));
    }

    @Operation(operationId = "listDeployments", summary = "List deployments with their history",
            description = "Every deployment with its model, canary and history.")
    @GetMapping
    List<DeploymentResponse> list() {
        return deployments.list().stream().map(d -> DeploymentResponse.of(d, deployments.history(d.name()))).toList();
    }

    @Operation(operationId = "getDeployment", summary = "One deployment: its model, canary and history",
            description = "The deployment's model, its canary (model and share) and every change: what, when and by which "
                    + "API key.")
    @GetMapping("/{name}")
    DeploymentResponse get(@PathVariable String name) {
        return DeploymentResponse.of(deployments.get(name), deployments.history(name));
    }

    @Operation(operationId = "updateDeployment", summary = "Promote a model, or start, change or end a canary",
            description = "The body is the deployment's next state: \"modelId\" answers from now on (left out: the "
                    + "current one stays); \"canary\": {\"modelId\", \"percent\"} answers that share of requests (left "
                    + "out: no canary). Every serving node follows within attune.predict.refresh-interval.")
    @PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    DeploymentResponse update(@PathVariable String name, @Valid @RequestBody DeploymentRequests.Update request) {
        Deployment.Canary canary = request.canary() == null ? null
                : new Deployment.Canary(request.canary().modelId(), request.canary().percent());
        Deployment updated = deployments.update(name, request.modelId(), canary);
        return DeploymentResponse.of(updated, deployments.history(name));
    }

    @Operation(operationId = "rollbackDeployment", summary = "Back to the model that answered before",
            description = "Ends any canary. 409 when the deployment never served another model, or that model was "
                    + "deleted.")
    @PostMapping("/{name}/rollback")
    @ProblemResponses(409)
    DeploymentResponse rollback(@PathVariable String name) {
        return DeploymentResponse.of(deployments.rollback(name), deployments.history(name));
    }

    @Operation(operationId = "deleteDeployment", summary = "Delete a deployment and its history",
            description = "Removes the name and its history; its models stay registered. Calls naming it get 404 from then "
                    + "on, on every node within attune.predict.refresh-interval.")
    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String name) {
        deployments.delete(name);
    }
}
