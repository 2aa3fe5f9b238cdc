package dev.attune.deployment;

/** A deployment was created, changed, rolled back or deleted on this node: serving re-reads them at once. */
public record DeploymentsChangedEvent(String name) {
}
