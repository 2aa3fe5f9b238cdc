package dev.attune.deployment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The deployment tables: the one place that reads and writes them. */
@Repository
class DeploymentRepository {

    private final JdbcClient jdbc;

    DeploymentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Deployment deployment) {
        jdbc.sql("INSERT INTO deployment (name, model_id, canary_model_id, canary_percent, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)")
                .params(deployment.name(), deployment.modelId(), canaryModel(deployment), canaryPercent(deployment),
                        Timestamp.from(deployment.createdAt()), Timestamp.from(deployment.updatedAt()))
                .update();
    }

    void update(Deployment deployment) {
        jdbc.sql("UPDATE deployment SET model_id = ?, canary_model_id = ?, canary_percent = ?, updated_at = ? "
                + "WHERE name = ?")
                .params(deployment.modelId(), canaryModel(deployment), canaryPercent(deployment),
                        Timestamp.from(deployment.updatedAt()), deployment.name())
                .update();
    }

    void record(String name, DeploymentChange change) {
        jdbc.sql("INSERT INTO deployment_change (deployment_name, action, model_id, canary_model_id, canary_percent, "
                + "changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(name, change.action(), change.modelId(),
                        change.canary() == null ? null : change.canary().modelId(),
                        change.canary() == null ? null : change.canary().percent(), change.changedBy(),
                        Timestamp.from(change.changedAt()))
                .update();
    }

    Optional<Deployment> find(String name) {
        return jdbc.sql("SELECT * FROM deployment WHERE name = ?").param(name).query(this::map).optional();
    }

    /** As {@link #find}, locking the row until the transaction ends (SELECT ... FOR UPDATE: H2 and PostgreSQL). */
    Optional<Deployment> findForUpdate(String name) {
        return jdbc.sql("SELECT * FROM deployment WHERE name = ? FOR UPDATE").param(name).query(this::map).optional();
    }

    List<Deployment> findAll() {
        return jdbc.sql("SELECT * FROM deployment ORDER BY name").query(this::map).list();
    }

    /** Newest first. */
    List<DeploymentChange> history(String name) {
        return jdbc.sql("SELECT * FROM deployment_change WHERE deployment_name = ? ORDER BY id DESC").param(name)
                .query((rs, n) -> new DeploymentChange(rs.getString("action"), rs.getString("model_id"),
                        canary(rs), rs.getString("changed_by"), instant(rs, "changed_at")))
                .list();
    }

    /** Names of the deployments a model answers for (as the model or the canary). */
    List<String> namesUsing(String modelId) {
        return jdbc.sql("SELECT name FROM deployment WHERE model_id = ? OR canary_model_id = ? ORDER BY name")
                .params(modelId, modelId).query(String.class).list();
    }

    boolean delete(String name) {
        return jdbc.sql("DELETE FROM deployment WHERE name = ?").param(name).update() == 1;
    }

    private Deployment map(ResultSet rs, int row) throws SQLException {
        return new Deployment(rs.getString("name"), rs.getString("model_id"), canary(rs), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Deployment.Canary canary(ResultSet rs) throws SQLException {
        String model = rs.getString("canary_model_id");
        return model == null ? null : new Deployment.Canary(model, rs.getInt("canary_percent"));
    }

    private static String canaryModel(Deployment deployment) {
        return deployment.canary() == null ? null : deployment.canary().modelId();
    }

    private static Integer canaryPercent(Deployment deployment) {
        return deployment.canary() == null ? null : deployment.canary().percent();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
