package io.github.sessionguard.admin;

import jakarta.ws.rs.core.Response;
import org.keycloak.services.ErrorResponse;

/**
 * Query parameters of the admin API, read from their text: a JAX-RS {@code int} parameter that doesn't parse answers
 * 404, as if the endpoint weren't there; here it is a 400 that names the parameter, its value and the rule.
 */
final class QueryParameters {

    private QueryParameters() {
    }

    /** @return the parameter's value, or {@code absent} when it isn't given */
    static int wholeNumber(String name, String value, int absent, int min, int max) {
        if (value == null) {
            return absent;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number >= min && number <= max) {
                return (int) number;
            }
        } catch (NumberFormatException e) {
            // answered below, as any value out of range
        }
        throw ErrorResponse.error("'" + name + "' must be a whole number " + (max == Integer.MAX_VALUE
                ? "of " + min + " or more" : "from " + min + " to " + max) + "; got '" + value + "'",
                Response.Status.BAD_REQUEST);
    }
}
