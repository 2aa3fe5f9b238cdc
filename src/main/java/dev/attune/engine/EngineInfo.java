package dev.attune.engine;

import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The DJL engine this process computes with, loaded once at start-up and described in the log. */
@Component
public class EngineInfo {

    private static final Logger log = LoggerFactory.getLogger(EngineInfo.class);
    static final String ENGINE_NAME = "PyTorch";

    public Engine engine() {
        return Engine.getEngine(ENGINE_NAME);
    }

    /** The device training and inference use: the first GPU when there is one, else the CPU. */
    public Device defaultDevice() {
        return engine().defaultDevice();
    }

    public List<DeviceInfo> devices() {
        Engine engine = engine();
        List<DeviceInfo> devices = new ArrayList<>();
        devices.add(new DeviceInfo("cpu", null, null));
        for (int i = 0; i < engine.getGpuCount(); i++) {
            Device gpu = Device.gpu(i);
            MemoryUsage usage = CudaUtils.getGpuMemory(gpu);
            long total = usage.getMax();
            devices.add(new DeviceInfo(gpu.toString(), total, total - usage.getCommitted()));
        }
        return devices;
    }

    @EventListener(ApplicationReadyEvent.class)
    void logEngine() {
        Engine engine = engine();
        log.info("DJL engine {} {} (DJL {}), default device {}, devices: {}", engine.getEngineName(),
                engine.getVersion(), Engine.getDjlVersion(), engine.defaultDevice(), describe(devices()));
        if (engine.getGpuCount() == 0) {
            // DJL's own per-probe CUDA warnings are silenced (application.properties): one line says it
            log.info("No usable CUDA GPU (none present, or no matching driver): jobs and /predict run on the CPU");
        }
    }

    private static String describe(List<DeviceInfo> devices) {
        return devices.stream().map(d -> d.totalMemoryBytes() == null ? d.name()
                : "%s (%d MiB, %d MiB free)".formatted(d.name(), d.totalMemoryBytes() >> 20, d.freeMemoryBytes() >> 20))
                .toList().toString();
    }
}
