package io.github.sessionguard.tier;

import java.util.Arrays;
import java.util.Optional;
import org.keycloak.OAuth2Constants;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;

/**
 * The ways a client gets tokens, each with the client-policy event Keycloak raises when the grant is requested. A
 * client's conditions are asked about that event, so that a condition that only votes for some grants (Keycloak's
 * {@code grant-type}) decides the tier of exactly those, while conditions about the client itself decide every one.
 */
public enum Grant {

    /** An authorization request, and everything interactive after it: SSO, re-authentication, implicit and hybrid. */
    AUTHORIZATION("authorization_request", ClientPolicyEvent.AUTHORIZATION_REQUEST),
    AUTHORIZATION_CODE(OAuth2Constants.AUTHORIZATION_CODE, ClientPolicyEvent.TOKEN_REQUEST),
    REFRESH_TOKEN(OAuth2Constants.REFRESH_TOKEN, ClientPolicyEvent.TOKEN_REFRESH),
    PASSWORD(OAuth2Constants.PASSWORD, ClientPolicyEvent.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST),
    CLIENT_CREDENTIALS(OAuth2Constants.CLIENT_CREDENTIALS, ClientPolicyEvent.SERVICE_ACCOUNT_TOKEN_REQUEST),
    DEVICE_CODE(OAuth2Constants.DEVICE_CODE_GRANT_TYPE, ClientPolicyEvent.DEVICE_TOKEN_REQUEST),
    CIBA(OAuth2Constants.CIBA_GRANT_TYPE, ClientPolicyEvent.BACKCHANNEL_TOKEN_REQUEST),
    TOKEN_EXCHANGE(OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE, ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST),
    JWT_BEARER(OAuth2Constants.JWT_AUTHORIZATION_GRANT, ClientPolicyEvent.JWT_AUTHORIZATION_GRANT);

    private final String grantType;
    private final ClientPolicyEvent requestEvent;

    Grant(String grantType, ClientPolicyEvent requestEvent) {
        this.grantType = grantType;
        this.requestEvent = requestEvent;
    }

    /** The OAuth {@code grant_type} value; for {@link #AUTHORIZATION}, a name for the authorization endpoint. */
    public String grantType() {
        return grantType;
    }

    ClientPolicyEvent requestEvent() {
        return requestEvent;
    }

    /**
     * The grant of a token request's {@code grant_type}. A grant type Keycloak added that is not named here is
     * treated as a plain token request, so its tokens are still shaped by every condition about the client.
     */
    public static Grant ofTokenRequest(String grantType) {
        return fromGrantType(grantType).orElse(AUTHORIZATION_CODE);
    }

    public static Optional<Grant> fromGrantType(String grantType) {
        return Arrays.stream(values()).filter(grant -> grant.grantType.equals(grantType)).findFirst();
    }
}
