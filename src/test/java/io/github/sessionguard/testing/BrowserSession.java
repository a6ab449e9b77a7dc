package io.github.sessionguard.testing;

import com.nimbusds.oauth2.sdk.util.MultivaluedMapUtils;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A user's browser for Keycloak's login pages: it keeps cookies (so SSO works as in a real browser), shows whether
 * an authorization request met a login form or was answered silently, and submits the form.
 */
public final class BrowserSession {

    private static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*>", Pattern.DOTALL);
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]+)\"");
    private static final Pattern CONSENT_FORM = Pattern.compile("<form[^>]*action=\"([^\"]*login-actions/consent[^\"]*)\"",
            Pattern.DOTALL);
    private static final Pattern CONSENT_CODE = Pattern.compile("name=\"code\"\s+value=\"([^\"]*)\"");

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    // A cookie jar of its own: Java's CookieManager drops Secure cookies on plain http, a browser on localhost doesn't.
    private final Map<String, String> cookies = new LinkedHashMap<>();

    /** What an authorization request led to: a login form to fill in, or a redirect back to the client. */
    public record Outcome(String loginFormAction, String redirect) {

        public boolean showedLoginForm() {
            return loginFormAction != null;
        }

        public String queryParameter(String name) {
            return parameter(URI.create(redirect).getRawQuery(), name);
        }

        /** A parameter of the redirect's fragment, where the implicit and hybrid flows put their tokens. */
        public String fragmentParameter(String name) {
            return parameter(URI.create(redirect).getRawFragment(), name);
        }

        private static String parameter(String encoded, String name) {
            return MultivaluedMapUtils.getFirstValue(URLUtils.parseParameters(encoded), name);
        }
    }

    /** A plain GET in this browser (for example RP-initiated logout); returns the status and the redirect, if any. */
    public HttpResult visit(String url) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).GET());
        return new HttpResult(response.statusCode(), response.body(), response.headers());
    }

    public Outcome authorize(String authorizationUrl) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(authorizationUrl)).GET());
        return outcome(response, authorizationUrl);
    }

    public Outcome submitLogin(Outcome form, String username, String password) {
        return submitLogin(form, username, password, false);
    }

    /** @param rememberMe ticks "Remember me" (the realm must offer it) */
    public Outcome submitLogin(Outcome form, String username, String password, boolean rememberMe) {
        if (!form.showedLoginForm()) {
            throw new AssertionError("No login form to submit; the request redirected to " + form.redirect());
        }
        Map<String, String> fields = new LinkedHashMap<>(Map.of("username", username, "password", password,
                "credentialId", ""));
        if (rememberMe) {
            fields.put("rememberMe", "on");
        }
        String body = Http.formBody(fields);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(form.loginFormAction()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        Outcome outcome = outcome(response, form.loginFormAction());
        if (outcome.showedLoginForm()) {
            throw new AssertionError("Login as " + username + " was not accepted");
        }
        return outcome;
    }

    /** Follows redirects as a browser would, until one leaves Keycloak (back to the client) or a page is shown. */
    public HttpResult followWithinKeycloak(HttpResult result) {
        HttpResult current = result;
        for (int hops = 0; hops < 10 && (current.status() == 302 || current.status() == 303); hops++) {
            String location = current.header("Location");
            if (location == null || location.startsWith(RealmFixture.REDIRECT_URI)) {
                return current;
            }
            current = visit(location);
        }
        return current;
    }

    /** Fills in and submits the form with the given id on a page this browser was shown. */
    public HttpResult submitForm(String page, String formId, Map<String, String> fields) {
        Matcher form = Pattern.compile("<form[^>]*id=\"" + Pattern.quote(formId) + "\"[^>]*>", Pattern.DOTALL)
                .matcher(page);
        if (!form.find()) {
            throw new AssertionError("No form '" + formId + "' on the page: "
                    + page.substring(0, Math.min(800, page.length())));
        }
        Matcher action = ACTION.matcher(form.group());
        if (!action.find()) {
            throw new AssertionError("Form '" + formId + "' has no action");
        }
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.formBody(fields))));
        return new HttpResult(response.statusCode(), response.body(), response.headers());
    }

    /**
     * Confirms a device flow's user code as its user would: opens the verification URI, signs in, and grants the
     * device access on Keycloak's consent page (which the device flow always shows).
     */
    public HttpResult approveDevice(String verificationUriComplete, String username, String password) {
        HttpResult page = followWithinKeycloak(visit(verificationUriComplete));
        Matcher form = LOGIN_FORM.matcher(page.body());
        if (form.find()) {
            Matcher action = ACTION.matcher(form.group());
            if (!action.find()) {
                throw new AssertionError("Login form without action");
            }
            page = followWithinKeycloak(post(absolute(verificationUriComplete, action.group(1)),
                    Map.of("username", username, "password", password, "credentialId", "")));
        }
        Matcher consent = CONSENT_FORM.matcher(page.body());
        if (consent.find()) {
            Matcher code = CONSENT_CODE.matcher(page.body());
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("code", code.find() ? code.group(1) : "");
            fields.put("accept", "Yes");
            page = followWithinKeycloak(post(absolute(verificationUriComplete, consent.group(1)), fields));
        }
        return page;
    }

    private HttpResult post(URI url, Map<String, String> fields) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.formBody(fields))));
        return new HttpResult(response.statusCode(), response.body(), response.headers());
    }

    private static URI absolute(String base, String htmlAction) {
        return URI.create(base).resolve(htmlAction.replace("&amp;", "&"));
    }

    /** Logs in through the form and returns the authorization code sent back to the client. */
    public String loginForCode(String authorizationUrl, String username, String password) {
        Outcome outcome = authorize(authorizationUrl);
        if (outcome.showedLoginForm()) {
            outcome = submitLogin(outcome, username, password);
        }
        String code = outcome.queryParameter("code");
        if (code == null) {
            throw new AssertionError("No code in redirect " + outcome.redirect());
        }
        return code;
    }

    private Outcome outcome(HttpResponse<String> response, String requestUrl) {
        if (response.statusCode() == 302 || response.statusCode() == 303) {
            String location = response.headers().firstValue("Location").orElseThrow();
            return new Outcome(null, URI.create(requestUrl).resolve(location).toString());
        }
        Matcher form = LOGIN_FORM.matcher(response.body());
        if (response.statusCode() == 200 && form.find()) {
            Matcher action = ACTION.matcher(form.group());
            if (action.find()) {
                return new Outcome(action.group(1).replace("&amp;", "&"), null);
            }
        }
        throw new AssertionError("Neither a login form nor a redirect: " + response.statusCode() + " "
                + response.body().substring(0, Math.min(800, response.body().length())));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            remember(response.headers().allValues("Set-Cookie"));
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void remember(List<String> setCookies) {
        for (String header : setCookies) {
            String[] nameValue = header.split(";", 2)[0].split("=", 2);
            String name = nameValue[0].trim();
            String value = nameValue.length > 1 ? nameValue[1].trim() : "";
            boolean expired = header.toLowerCase().contains("max-age=0") || value.isEmpty();
            if (expired) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }
}
