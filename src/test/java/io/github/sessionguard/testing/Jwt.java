package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;

/** Reads a JWT's claims without checking its signature: for looking at tokens the server just issued. */
public final class Jwt {

    private Jwt() {
    }

    public static JsonNode claims(String token) {
        try {
            return Json.MAPPER.valueToTree(JWTParser.parse(token).getJWTClaimsSet().toJSONObject());
        } catch (ParseException e) {
            throw new AssertionError("Not a JWT: " + token, e);
        }
    }

    /** The signature algorithm its header names. */
    public static String algorithm(String token) {
        try {
            return JWTParser.parse(token).getHeader().getAlgorithm().getName();
        } catch (ParseException e) {
            throw new AssertionError("Not a JWT: " + token, e);
        }
    }

    public static long lifetime(String token) {
        JsonNode claims = claims(token);
        return claims.get("exp").asLong() - claims.get("iat").asLong();
    }
}
