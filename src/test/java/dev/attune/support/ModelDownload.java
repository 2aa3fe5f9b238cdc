package dev.attune.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.springframework.core.io.Resource;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Downloads a registered model's export zip over HTTP and unpacks it. */
public final class ModelDownload {

    private ModelDownload() {
    }

    /** GET /api/v1/models/{id}/download, unzipped into a new directory under {@code parent}. */
    public static Path unzip(int port, String modelId, Path parent) throws IOException {
        return unzip(port, modelId, parent, "checkpoint");
    }

    /** As {@link #unzip(int, String, Path)} in a format: checkpoint, onnx, onnx-int8 or peft (folders in the zip kept). */
    public static Path unzip(int port, String modelId, Path parent, String format) throws IOException {
        ResponseEntity<Resource> response = RestClient.create("http://localhost:" + port).get()
                .uri("/api/v1/models/" + modelId + "/download?format=" + format).retrieve().toEntity(Resource.class);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(response.getHeaders().getContentDisposition().getFilename()).endsWith(".zip");
        Path target = Files.createTempDirectory(parent, "unzipped-");
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(response.getBody().getContentAsByteArray()))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path file = target.resolve(entry.getName()).normalize();
                assertThat(file.startsWith(target)).as(entry.getName()).isTrue();
                Files.createDirectories(file.getParent());
                Files.copy(zip, file);
            }
        }
        return target;
    }
}
