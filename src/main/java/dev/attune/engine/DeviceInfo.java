package dev.attune.engine;

/** One compute device as DJL sees it; memory figures are null for the CPU. */
public record DeviceInfo(String name, Long totalMemoryBytes, Long freeMemoryBytes) {
}
