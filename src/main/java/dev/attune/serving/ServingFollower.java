package dev.attune.serving;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.attune.model.ModelService;
import dev.attune.model.RegisteredModel;
import dev.attune.system.AttuneProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The models table is shared by every node: a promotion, a finished job, a deletion or a serving-precision change
 * made through another node changes what this node serves too. A cheap read every refresh-interval; a change loads
 * the new model in the background and swaps it in ({@link ServingModels}), as a local change does.
 */
@Component
class ServingFollower implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ServingFollower.class);

    private final ServingModels serving;
    private final ModelService models;
    private final long everyMillis;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
            ServingModels.daemon("attune-serving-watch"));
    /** The choice last switched to on the database's word: a model that fails to load is not retried every time. */
    private volatile String lastFollowed;

    ServingFollower(ServingModels serving, ModelService models, AttuneProperties properties) {
        this.serving = serving;
        this.models = models;
        this.everyMillis = properties.predict().refreshInterval().toMillis();
    }

    @EventListener(ApplicationReadyEvent.class)
    void started() {
        if (serving.servingNode() && everyMillis > 0) {
            watcher.scheduleWithFixedDelay(this::follow, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void follow() {
        try {
            List<RegisteredModel> all = models.list();
            serving.followPrecisions(all); // a precision changed through any node reaches every kept model
            Optional<ServingChoice> next = serving.target(all);
            String chosen = next.map(ServingChoice::modelId).orElse(null);
            boolean differs = serving.differsFrom(next, all);
            if (!differs) {
                lastFollowed = null; // in step with the database
            }
            if (!serving.switching() && differs && !Objects.equals(chosen, lastFollowed)) {
                lastFollowed = chosen;
                log.info("The serving choice changed in the database (now {}): switching", chosen);
                serving.modelsChanged();
            }
        } catch (RuntimeException e) {
            log.debug("Serving choice check: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        watcher.shutdownNow();
    }
}
