package dev.attune.system;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * On PostgreSQL, a node's sessions end any transaction left idle longer than the job lease. A node frozen in
 * the middle of a transaction (a paused VM, SIGSTOP, a long GC pause) would otherwise keep its row locks,
 * and no other node could take its job back until it woke; by then its lease has passed anyway, so nothing
 * it had not committed may land. H2 is one process: nothing to do there.
 */
@Component
class PostgresSessions implements BeanPostProcessor {

    private final Duration leaseTime;

    PostgresSessions(Environment environment) {
        // bound here, not injected: a bean post-processor is created before the configuration beans
        this.leaseTime = Binder.get(environment).bind("attune.jobs.lease-time", Duration.class)
                .orElse(Duration.ofSeconds(30));
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource dataSource && dataSource.getJdbcUrl() != null
                && dataSource.getJdbcUrl().startsWith("jdbc:postgresql:")) {
            dataSource.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + leaseTime.toMillis());
        }
        return bean;
    }
}
