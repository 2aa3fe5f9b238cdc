package dev.attune.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import jakarta.servlet.MultipartConfigElement;

import dev.attune.files.FileTrees;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.servlet.autoconfigure.MultipartProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Multipart uploads spool to {@code <data-dir>/tmp/uploads} instead of Tomcat's per-start work
 * directory, so the files a killed transfer leaves behind are found, and removed, at the next start. In a
 * cluster (a shared data dir) each node spools under its own name there.
 */
@Configuration(proxyBeanMethods = false)
class UploadTempFiles {

    private static final Logger log = LoggerFactory.getLogger(UploadTempFiles.class);

    @Bean
    MultipartConfigElement multipartConfigElement(MultipartProperties multipart, AttuneProperties properties,
            LocalNode node) {
        Path dir = properties.uploadTempDir().toAbsolutePath();
        if (node.sharedDatabase()) { // nodes share the data dir: each cleans only its own spool at start
            dir = dir.resolve(node.name().replaceAll("[^A-Za-z0-9._-]", "_"));
        }
        clean(dir);
        multipart.setLocation(dir.toString());
        return multipart.createMultipartConfig();
    }

    /** Creates the directory, deleting whatever an earlier process left in it. */
    static void clean(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> leftovers = Files.list(dir)) {
                for (Path file : leftovers.toList()) {
                    log.info("Removing upload left by an interrupted transfer: {}", file.getFileName());
                    FileTrees.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the upload directory " + dir, e);
        }
    }
}
