package dev.attune.cluster;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Nodes", description = "The attune processes sharing this database: roles, devices, liveness")
@RestController
class NodeController {

    private final Cluster cluster;

    NodeController(Cluster cluster) {
        this.cluster = cluster;
    }

    @Operation(operationId = "listNodes", summary = "Every node that has started against this database",
            description = "A single-node service lists itself. A node that stopped sending heartbeats is listed with "
                    + "alive=false; its running jobs are taken over by another node's worker once their lease expires.")
    @GetMapping("/api/v1/nodes")
    List<Cluster.NodeResponse> nodes() {
        return cluster.nodes();
    }
}
