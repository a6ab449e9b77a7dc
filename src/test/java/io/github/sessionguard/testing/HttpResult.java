package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** One HTTP answer as tests look at it. */
public record HttpResult(int status, String body, HttpHeaders headers) {

    public JsonNode json() {
        return Json.parse(body);
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
        return status + " " + (body.length() > 500 ? body.substring(0, 500) + "…" : body);
    }
}
