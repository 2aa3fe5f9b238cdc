package dev.attune.engine;

import ai.djl.engine.Engine;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** /actuator/health component "engine": the DJL engine, its version, devices and free GPU memory. */
@Component("engine")
class EngineHealthIndicator extends AbstractHealthIndicator {

    private final EngineInfo engineInfo;

    EngineHealthIndicator(EngineInfo engineInfo) {
        this.engineInfo = engineInfo;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Engine engine = engineInfo.engine();
        builder.up()
                .withDetail("engine", engine.getEngineName())
                .withDetail("version", engine.getVersion())
                .withDetail("defaultDevice", engine.defaultDevice().toString())
                .withDetail("devices", engineInfo.devices());
    }
}
