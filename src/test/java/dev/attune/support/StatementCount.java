package dev.attune.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Counts the SQL statements the calling thread sends while it runs a piece of code: import this configuration
 * into a test context, then {@link #of}. Other threads (workers, the lease keeper) are not counted.
 */
@TestConfiguration
public class StatementCount {

    private static final Set<String> STATEMENTS = Set.of("prepareStatement", "createStatement", "prepareCall");
    private static final ThreadLocal<AtomicInteger> COUNTING = new ThreadLocal<>();

    /** The statements {@code work} sent on this thread, and what it returned. */
    public static <T> Counted<T> of(Supplier<T> work) {
        AtomicInteger count = new AtomicInteger();
        COUNTING.set(count);
        try {
            T value = work.get();
            return new Counted<>(count.get(), value);
        } finally {
            COUNTING.remove();
        }
    }

    public record Counted<T>(int statements, T value) {
    }

    @Bean
    static BeanPostProcessor countingDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource dataSource && !(bean instanceof DelegatingDataSource)
                        ? new Counting(dataSource) : bean;
            }
        };
    }

    private static final class Counting extends DelegatingDataSource {

        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws java.sql.SQLException {
            return counted(super.getConnection());
        }

        @Override
        public Connection getConnection(String user, String password) throws java.sql.SQLException {
            return counted(super.getConnection(user, password));
        }

        private static Connection counted(Connection connection) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        AtomicInteger count = COUNTING.get();
                        if (count != null && STATEMENTS.contains(method.getName())) {
                            count.incrementAndGet();
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
