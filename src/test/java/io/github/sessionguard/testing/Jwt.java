package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads a JWT's claims without checking its signature: for looking at tokens the server just issued. */
public final class Jwt {

    private Jwt() {
    }

    public static JsonNode claims(String token) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            throw new AssertionError("Not a JWT: " + token);
        }
        return Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    public static long lifetime(String token) {
        JsonNode claims = claims(token);
        return claims.get("exp").asLong() - claims.get("iat").asLong();
    }
}
