package io.github.sessionguard.testing;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.net.MalformedURLException;
import java.net.URI;

/**
 * A realm's published keys as the test relying parties and receivers read them: cached, fetched again for a key they
 * don't know yet (a test that adds or rotates keys), with the patience of a loaded machine. Nimbus's defaults give
 * the fetch 500 ms and then refuse to fetch again for 30 s: on 2 cores, with twenty sign-ins hashing passwords at
 * once, the first fetch missed that, and every token of the next seconds was judged invalid, though it was not.
 */
public final class RealmKeys {

    private static final int FETCH_TIMEOUT_MILLIS = 10_000;
    private static final int SIZE_LIMIT_BYTES = 256 * 1024;

    private RealmKeys() {
    }

    /** @param issuer the realm's URL, as in its tokens' {@code iss} */
    public static JWKSource<SecurityContext> of(String issuer) {
        try {
            return JWKSourceBuilder.<SecurityContext>create(URI.create(issuer + "/protocol/openid-connect/certs")
                            .toURL(), new DefaultResourceRetriever(FETCH_TIMEOUT_MILLIS, FETCH_TIMEOUT_MILLIS,
                            SIZE_LIMIT_BYTES))
                    .retrying(true).rateLimited(false).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Not a URL: " + issuer, e);
        }
    }
}
