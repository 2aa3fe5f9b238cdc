package dev.attune.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.Device;

import dev.attune.engine.EngineInfo;

/** The devices of {@code attune.jobs.devices}: one worker each. Default: every GPU DJL sees, else one CPU. */
final class WorkerDevices {

    private static final Pattern GPU = Pattern.compile("gpu(\\d+)");

    private WorkerDevices() {
    }

    /** @param name as stored with a job and shown to users: cpu, gpu0, gpu1... */
    record WorkerDevice(String name, Device device) {
    }

    static List<WorkerDevice> resolve(List<String> configured, EngineInfo engine) {
        int gpus = engine.engine().getGpuCount();
        List<WorkerDevice> devices = new ArrayList<>();
        if (configured == null || configured.stream().allMatch(String::isBlank)) {
            for (int i = 0; i < gpus; i++) {
                devices.add(new WorkerDevice("gpu" + i, Device.gpu(i)));
            }
            return devices.isEmpty() ? List.of(new WorkerDevice("cpu", Device.cpu())) : devices;
        }
        for (String entry : configured) {
            String name = entry.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            Matcher gpu = GPU.matcher(name);
            if (name.equals("cpu")) {
                devices.add(new WorkerDevice("cpu", Device.cpu()));
            } else if (gpu.matches() && Integer.parseInt(gpu.group(1)) < gpus) {
                devices.add(new WorkerDevice(name, Device.gpu(Integer.parseInt(gpu.group(1)))));
            } else {
                throw new IllegalStateException("attune.jobs.devices: '" + entry + "' is not a device of this machine ("
                        + "cpu" + (gpus > 0 ? " or gpu0..gpu" + (gpus - 1) : "; DJL sees no GPU") + "). Fix the list, "
                        + "or leave it empty for every GPU (else one CPU worker).");
            }
        }
        return devices;
    }
}
