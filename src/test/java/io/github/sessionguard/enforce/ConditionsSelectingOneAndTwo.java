package io.github.sessionguard.enforce;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.RealmFixture;
import java.util.HashMap;
import java.util.Map;

/**
 * Client-policy conditions, this extension's and Keycloak's, each configured to select the clients {@code one} and
 * {@code two} of a test realm ({@code client-access-type}: every confidential client; {@code any-client}: all), for
 * the tests that run a tier under every condition.
 */
final class ConditionsSelectingOneAndTwo {

    /** The client role {@code one} and {@code two} have ({@link #giveRoles}). */
    static final String ROLE = "tiered";
    /** The client attribute {@code one} and {@code two} have, with the value {@code yes}. */
    static final String ATTRIBUTE = "session-guard-it.tiered";

    private static final Map<String, String> ABOUT_THE_CLIENT = Map.of(
            "client-id", "{\"clients\": [\"one\", \"two\"]}",
            "client-roles", "{\"roles\": [\"" + ROLE + "\"]}",
            "client-access-type", "{\"type\": [\"confidential\"]}",
            // Keycloak keeps this condition's attributes as a JSON text inside the JSON.
            "client-attributes", "{\"attributes\": \"[{\\\"key\\\": \\\"" + ATTRIBUTE
                    + "\\\", \\\"value\\\": \\\"yes\\\"}]\"}",
            "any-client", "{}");

    private ConditionsSelectingOneAndTwo() {
    }

    /** The conditions about the client, by provider id, with their configuration as JSON, and the ones given. */
    static Map<String, String> with(Map<String, String> more) {
        Map<String, String> conditions = new HashMap<>(ABOUT_THE_CLIENT);
        conditions.putAll(more);
        return Map.copyOf(conditions);
    }

    /** Gives clients {@code one} and {@code two} the client role the {@code client-roles} condition selects. */
    static void giveRoles(RealmFixture realm) {
        ObjectNode clientRoles = realm.json().putObject("roles").putObject("client");
        clientRoles.putArray("one").addObject().put("name", ROLE);
        clientRoles.putArray("two").addObject().put("name", ROLE);
    }
}
