package dev.attune.job;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The kinds of job this node knows, as their {@link JobHandler}s register them, and how a stored row's config is
 * read. Handlers are looked up once every bean exists (they use the repository that uses this); two handlers of one
 * kind stop the node's start.
 */
@Component
class JobKinds implements SmartInitializingSingleton {

    private final ObjectProvider<JobHandler> handlerBeans;
    private final ObjectMapper mapper;
    private volatile Map<String, JobHandler> handlers;

    JobKinds(ObjectProvider<JobHandler> handlerBeans, ObjectMapper mapper) {
        this.handlerBeans = handlerBeans;
        this.mapper = mapper;
    }

    @Override
    public void afterSingletonsInstantiated() {
        handlers();
    }

    /** The handler of a kind; null for a kind no handler on this node runs. */
    JobHandler handler(JobKind kind) {
        return handlers().get(kind.id());
    }

    /** A stored row's config, read as its kind's spec; a kind unknown here reads as a {@link StoredSpec}. */
    JobSpec read(String kindId, String config) {
        JsonNode tree = mapper.readTree(config);
        JobHandler handler = handlers().get(storedKind(kindId, tree));
        Class<? extends JobSpec> type = handler == null ? StoredSpec.class : handler.kind().specType();
        return mapper.treeToValue(tree, type);
    }

    /**
     * Rows stored before V20 have no kind, or the column's default ({@code training}), even a batch prediction an
     * older node inserted after the migration's backfill: its config has a {@code scoring} section, as then.
     */
    private static String storedKind(String id, JsonNode config) {
        boolean oldBatchPrediction = config.hasNonNull("scoring");
        return id == null || id.equals("training") ? (oldBatchPrediction ? "scoring" : "training") : id;
    }

    private Map<String, JobHandler> handlers() {
        Map<String, JobHandler> known = handlers;
        if (known == null) {
            known = new HashMap<>();
            List<JobHandler> beans = handlerBeans.orderedStream().toList();
            for (JobHandler handler : beans) {
                JobHandler other = known.putIfAbsent(handler.kind().id(), handler);
                if (other != null) {
                    throw new IllegalStateException("two handlers for job kind " + handler.kind().id() + ": "
                            + other.getClass().getSimpleName() + " and " + handler.getClass().getSimpleName());
                }
            }
            handlers = known;
        }
        return known;
    }
}
