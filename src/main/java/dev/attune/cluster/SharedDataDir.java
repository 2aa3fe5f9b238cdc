package dev.attune.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.attune.system.AttuneProperties;
import dev.attune.system.LocalNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Nodes sharing a database must share attune.data-dir too (data sets, models and resume points live there).
 * The cheap check: when the database lists data sets or models, at least one of the newest must be in this
 * node's data dir; if none is, the directory is a node-local one and the node refuses to start rather than
 * fail every job it would claim.
 */
@Component
class SharedDataDir {

    private static final Logger log = LoggerFactory.getLogger(SharedDataDir.class);
    private static final int SAMPLE = 20;

    SharedDataDir(JdbcClient jdbc, LocalNode node, AttuneProperties properties) {
        if (!node.sharedDatabase()) {
            return;
        }
        Path dataDir = properties.dataDir().toAbsolutePath().normalize();
        List<Path> expected = new java.util.ArrayList<>();
        jdbc.sql("SELECT file_name FROM dataset ORDER BY created_at DESC LIMIT " + SAMPLE).query(String.class).list()
                .forEach(name -> expected.add(properties.datasetsDir().resolve(name)));
        jdbc.sql("SELECT id FROM model ORDER BY created_at DESC LIMIT " + SAMPLE).query(String.class).list()
                .forEach(id -> expected.add(properties.modelsDir().resolve(id)));
        if (!expected.isEmpty() && expected.stream().noneMatch(Files::exists)) {
            throw new IllegalStateException("attune.data-dir " + dataDir + " holds none of the " + expected.size()
                    + " newest data sets and models the shared database lists: it is not the cluster's shared volume. "
                    + "Every node must mount the same directory (NFS, a Kubernetes ReadWriteMany volume) at its "
                    + "attune.data-dir. Mount it there, or point attune.data-dir at it, and start again.");
        }
        log.info("Shared data dir {}: {} of the newest data sets and models present", dataDir,
                expected.stream().filter(Files::exists).count());
    }
}
