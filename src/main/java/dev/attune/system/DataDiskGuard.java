package dev.attune.system;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.attune.files.DiskFull;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Whether the data dir's disk has less free space than health's threshold
 * ({@code management.health.diskspace.threshold}). While it has, nothing writes to the database: H2 closes a
 * database whose write fails and cannot open it again in the same process (the closed store keeps its file
 * lock), so one failed write would cost a restart. Requests that write get 507, the workers claim nothing and
 * the lease keeper skips its round; a running job's lease then lapses and the job is taken back and resumed
 * once space is freed.
 */
@Component
public class DataDiskGuard {

    private static final Logger log = LoggerFactory.getLogger(DataDiskGuard.class);
    private static final long CHECK_EVERY_NANOS = 200_000_000L;

    private final Path dataDir;
    private final long reserveBytes;
    private final AtomicBoolean reportedFull = new AtomicBoolean();
    private volatile long checkedAt;
    private volatile long usable = Long.MAX_VALUE;

    DataDiskGuard(AttuneProperties properties,
            @Value("${management.health.diskspace.threshold:100MB}") DataSize threshold) {
        this.dataDir = properties.dataDir();
        this.reserveBytes = threshold.toBytes();
    }

    /** True while the data dir's disk is below the threshold (measured at most every 200 ms). */
    public boolean full() {
        long now = System.nanoTime();
        if (now - checkedAt > CHECK_EVERY_NANOS) {
            long bytes = DiskFull.usableBytes(dataDir);
            usable = bytes < 0 ? Long.MAX_VALUE : bytes;
            checkedAt = now;
        }
        boolean full = usable < reserveBytes;
        if (full != reportedFull.getAndSet(full)) {
            if (full) {
                log.warn("The data dir's disk has {} bytes free, below {}: writes are refused until space is freed",
                        usable, reserveBytes);
            } else {
                log.info("The data dir's disk has {} bytes free again: writes resume", usable);
            }
        }
        return full;
    }

    public long usableBytes() {
        return usable == Long.MAX_VALUE ? DiskFull.usableBytes(dataDir) : usable;
    }

    public long reserveBytes() {
        return reserveBytes;
    }
}
