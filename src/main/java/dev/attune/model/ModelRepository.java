package dev.attune.model;

import dev.attune.modeling.Calibration;
import dev.attune.modeling.QuantizationCheck;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import dev.attune.modeling.ProblemType;
import dev.attune.modeling.ServingPrecision;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Model records in H2. */
@Repository
class ModelRepository {

    private final JdbcClient jdbc;
    private final ObjectMapper mapper;

    ModelRepository(JdbcClient jdbc, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    void insert(RegisteredModel model) {
        jdbc.sql("""
                INSERT INTO model (id, name, architecture, labels, source, origin, job_id, metrics, max_length,
                                   parameters, size_bytes, created_at, problem_type, serving_precision, text_pair,
                                   calibration, strategy, trainable_parameters, adapter, base_model_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(model.id(), model.name(), model.architecture(), mapper.writeValueAsString(model.labels()),
                        model.source(), model.origin().name(), model.jobId(),
                        model.metrics() == null ? null : mapper.writeValueAsString(model.metrics()), model.maxLength(),
                        model.parameters(), model.sizeBytes(), Timestamp.from(model.createdAt()), model.problemType().id(),
                        model.servingPrecision() == null ? null : model.servingPrecision().id(), model.textPair(),
                        model.calibration() == null ? null : mapper.writeValueAsString(model.calibration()),
                        model.strategy(), model.trainableParameters(),
                        model.adapter() == null ? null : mapper.writeValueAsString(model.adapter()),
                        model.adapter() == null ? null : model.adapter().baseModelId())
                .update();
    }

    Optional<RegisteredModel> findById(String id) {
        return jdbc.sql("SELECT * FROM model WHERE id = ?").param(id).query(this::map).optional();
    }

    List<RegisteredModel> findAll() {
        return jdbc.sql("SELECT * FROM model ORDER BY created_at DESC").query(this::map).list();
    }

    boolean delete(String id) {
        return jdbc.sql("DELETE FROM model WHERE id = ?").param(id).update() > 0;
    }

    /** Marks a model as the one to serve; earlier promotions are cleared. */
    /** Sets (or, with null, clears) a model's own serving precision; false when there is no such model. */
    boolean setServingPrecision(String id, ServingPrecision precision) {
        return jdbc.sql("UPDATE model SET serving_precision = ? WHERE id = ?")
                .params(precision == null ? null : precision.id(), id).update() == 1;
    }

    void promote(String id) {
        jdbc.sql("UPDATE model SET promoted_at = NULL WHERE promoted_at IS NOT NULL AND id <> ?").param(id).update();
        jdbc.sql("UPDATE model SET promoted_at = CURRENT_TIMESTAMP WHERE id = ?").param(id).update();
    }

    Optional<String> promotedId() {
        return jdbc.sql("SELECT id FROM model WHERE promoted_at IS NOT NULL ORDER BY promoted_at DESC LIMIT 1")
                .query(String.class).optional();
    }

    /** The LoRA models registered over this model as their base. */
    List<String> adaptersOver(String baseId) {
        return jdbc.sql("SELECT id FROM model WHERE base_model_id = ? ORDER BY created_at").param(baseId)
                .query(String.class).list();
    }

    List<String> allIds() {
        return jdbc.sql("SELECT id FROM model").query(String.class).list();
    }

    /**
     * Stored metrics: the one place ModelMetrics meets JSON. Rows written before the score was stored
     * get it from metricForBest and the validation figures.
     */
    private ModelMetrics metrics(String json) {
        if (json == null) {
            return null;
        }
        JsonNode node = mapper.readTree(json);
        String metric = node.path("metricForBest").asString("accuracy");
        double score = node.has("score") ? node.get("score").asDouble() : legacyScore(metric, node.path("validation"));
        JsonNode test = node.get("test");
        JsonNode quantization = node.get("quantization");
        return new ModelMetrics(metric, score, node.path("bestStep").asLong(), node.path("bestEpoch").asDouble(),
                node.get("validation"), test == null || test.isNull() ? null : test,
                quantization == null || quantization.isNull() ? null
                        : mapper.treeToValue(quantization, QuantizationCheck.class),
                overMaxLength(node.get("overMaxLength")));
    }

    private static java.util.Map<String, Integer> overMaxLength(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        node.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    private static double legacyScore(String metric, JsonNode validation) {
        return switch (metric) {
            case "f1_macro" -> validation.path("f1Macro").asDouble(Double.NEGATIVE_INFINITY);
            case "loss" -> -validation.path("loss").asDouble(Double.POSITIVE_INFINITY);
            default -> validation.path("accuracy").asDouble(Double.NEGATIVE_INFINITY);
        };
    }

    private RegisteredModel map(ResultSet rs, int row) throws SQLException {
        return new RegisteredModel(rs.getString("id"), rs.getString("name"), rs.getString("architecture"),
                ProblemType.of(rs.getString("problem_type")), mapper.readValue(rs.getString("labels"), new TypeReference<List<String>>() {
                }), rs.getString("source"), Origin.valueOf(rs.getString("origin")), rs.getString("job_id"),
                metrics(rs.getString("metrics")),
                rs.getInt("max_length"), rs.getLong("parameters"), rs.getLong("size_bytes"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("serving_precision") == null ? null : ServingPrecision.of(rs.getString("serving_precision")),
                rs.getBoolean("text_pair"),
                rs.getString("calibration") == null ? null : mapper.readValue(rs.getString("calibration"), Calibration.class),
                rs.getString("strategy"), (Long) rs.getObject("trainable_parameters", Long.class),
                rs.getString("adapter") == null ? null : mapper.readValue(rs.getString("adapter"), AdapterInfo.class));
    }
}
