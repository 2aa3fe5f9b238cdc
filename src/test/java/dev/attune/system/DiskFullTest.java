package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.attune.support.Http;
import dev.attune.support.ServiceProcess;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 26: the data dir on a 48 MB tmpfs, filled up. Writes are answered 507 naming the full disk, no deleted
 * file stays open, and once space is freed the service works again without a restart (H2 reopened). Needs root
 * to mount the tmpfs (CI runs as root); skipped with a message otherwise.
 */
class DiskFullTest {

    private static final Path GOLDEN = dev.attune.support.Golden.dir("tiny-bert");
    private static Path mount;
    private static ServiceProcess service;

    @BeforeAll
    static void mountTmpfs() throws Exception {
        mount = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "tmpfs-");
        Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(process.waitFor() == 0, "skipped: mounting a tmpfs needs root (" + output.strip() + ")");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (service != null) {
            service.kill();
        }
        if (mount != null) {
            new ProcessBuilder("umount", mount.toString()).start().waitFor();
        }
    }

    @Test
    void aFullDiskIs507AndTheServiceRecoversOnceSpaceIsFreed() throws Exception {
        Path dataDir = mount.resolve("data");
        service = ServiceProcess.start(Path.of("target").toAbsolutePath(), List.of("--attune.data-dir=" + dataDir,
                "--management.health.diskspace.threshold=1MB", "--attune.models.import-roots=" + GOLDEN.getParent(),
                "--attune.jobs.poll-interval=200ms"), Map.of());
        Http http = service.http();
        byte[] csv = TrainingData.csv(2000, 1).getBytes(StandardCharsets.UTF_8);
        Http.Response before = http.upload("/api/v1/datasets", "before.csv", csv, Map.of());
        assertThat(before.status()).isEqualTo(201);
        String job = """
                {"datasetId": "%s", "baseModel": "%s", "epochs": 1, "maxTrainSamples": 20}"""
                .formatted(before.json().get("id").stringValue(), GOLDEN);

        Path filler = mount.resolve("filler");
        fill(filler);
        Http.Response upload = http.upload("/api/v1/datasets", "full.csv", csv, Map.of());
        assertThat(upload.status()).as(upload.body()).isEqualTo(507);
        assertThat(upload.json().get("title").stringValue()).isEqualTo("Disk full");
        assertThat(upload.json().has("freeBytes")).isTrue();
        assertThat(openDeletedFiles()).as("deleted files the service still holds open").isEmpty();
        JsonNode health = http.get("/actuator/health").json();
        assertThat(health.get("components").get("diskSpace").get("status").stringValue()).isEqualTo("DOWN");
        Thread.sleep(3000); // the node writes nothing meanwhile (no heartbeats, no claims): H2 stays open
        Http.Response refused = http.postJson("/api/v1/jobs", job);
        assertThat(refused.status()).as(refused.body()).isEqualTo(507);
        assertThat(refused.json().get("detail").stringValue()).contains("bytes free");

        Files.delete(filler);
        long deadline = System.currentTimeMillis() + 30_000;
        Http.Response again = null;
        while (System.currentTimeMillis() < deadline) {
            again = http.upload("/api/v1/datasets", "after.csv", csv, Map.of());
            if (again.status() == 201) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(http.get("/api/v1/datasets").json()).hasSize(2);
        Http.Response accepted = http.postJson("/api/v1/jobs", job);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(http.get("/actuator/health").json().get("status").stringValue()).isEqualTo("UP");
    }

    /** Writes until the disk is full. */
    private static void fill(Path filler) {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (;;) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full: that was the point
        }
    }

    /** Files under the tmpfs that the service has open although they were deleted. */
    private static List<String> openDeletedFiles() throws IOException {
        Path fds = Path.of("/proc", Long.toString(service.pid()), "fd");
        if (!Files.isDirectory(fds)) {
            return List.of();
        }
        try (var entries = Files.list(fds)) {
            return entries.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";
                }
            }).filter(target -> target.startsWith(mount.toString()) && target.endsWith("(deleted)")).toList();
        }
    }
}
