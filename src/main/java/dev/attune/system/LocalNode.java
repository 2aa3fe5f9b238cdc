package dev.attune.system;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Set;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * This process in a cluster: its name (in job records and the node list), its roles, and whether its
 * database is shared with other nodes (PostgreSQL) or its own (embedded H2).
 */
@Component
public class LocalNode {

    private final String name;
    private final Set<NodeRole> roles;
    private final boolean sharedDatabase;

    public LocalNode(AttuneProperties properties, Environment environment) {
        String configured = properties.node().name();
        this.name = configured != null && !configured.isBlank() ? configured
                : hostName() + ":" + environment.getProperty("server.port", "8080");
        this.roles = properties.node().roles().isEmpty() ? EnumSet.allOf(NodeRole.class)
                : EnumSet.copyOf(properties.node().roles());
        this.sharedDatabase = environment.getProperty("spring.datasource.url", "").startsWith("jdbc:postgresql:");
    }

    public String name() {
        return name;
    }

    public Set<NodeRole> roles() {
        return roles;
    }

    public boolean has(NodeRole role) {
        return roles.contains(role);
    }

    /** True on PostgreSQL: other nodes may read and write the same rows and files at any moment. */
    public boolean sharedDatabase() {
        return sharedDatabase;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
