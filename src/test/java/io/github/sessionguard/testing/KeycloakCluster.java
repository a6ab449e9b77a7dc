package io.github.sessionguard.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Keycloak nodes in production mode on loopback that form one cluster: one PostgreSQL database, embedded Infinispan
 * with JGroups discovery through that database ({@code jdbc-ping}), each node on its own HTTP, management and JGroups
 * ports, and one hostname for all (as behind a load balancer), so that a token from one node is valid on the other.
 */
public final class KeycloakCluster implements AutoCloseable {

    private final TestDatabase.Postgres database;
    private final List<DistributionKeycloakServer> nodes = new ArrayList<>();

    private KeycloakCluster(TestDatabase.Postgres database) {
        this.database = database;
    }

    /** Nodes on the machine's PostgreSQL (see {@link TestDatabase.Postgres}). */
    public static KeycloakCluster start(int size, List<String> extraOptions) {
        return start(size, MachinePostgres.hostAndPort(), extraOptions);
    }

    /** Nodes on the PostgreSQL server at the given address, in a database created for them. */
    public static KeycloakCluster start(int size, String postgresHostAndPort, List<String> extraOptions) {
        int firstHttpPort = FreePorts.next();
        KeycloakCluster cluster = new KeycloakCluster(
                TestDatabase.Postgres.create(postgresHostAndPort, "cluster_" + firstHttpPort));
        try {
            for (int i = 0; i < size; i++) {
                int httpPort = i == 0 ? firstHttpPort : FreePorts.next();
                List<String> options = new ArrayList<>(List.of(
                        "--http-enabled=true",
                        "--hostname=http://127.0.0.1:" + firstHttpPort,
                        "--cache=ispn",
                        "--cache-stack=jdbc-ping",
                        "--cache-embedded-network-bind-address=127.0.0.1",
                        "--cache-embedded-network-bind-port=" + FreePorts.next()));
                options.addAll(extraOptions);
                cluster.nodes.add(DistributionKeycloakServer.start("start", httpPort, cluster.database, options));
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public DistributionKeycloakServer node(int index) {
        return nodes.get(index);
    }

    /** The database the nodes share, for a test that holds a lock in it as a slow disk or a long query would. */
    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    /** A node's own address, for talking to it directly rather than through the common hostname. */
    public KeycloakServer direct(int index) {
        return nodes.get(index);
    }

    @Override
    public void close() {
        for (DistributionKeycloakServer node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                System.err.println("Could not stop a cluster node: " + e.getMessage());
            }
        }
        database.close();
    }
}
