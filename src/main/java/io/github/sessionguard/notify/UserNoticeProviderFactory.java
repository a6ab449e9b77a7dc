package io.github.sessionguard.notify;

import org.keycloak.provider.ProviderFactory;

/** The user notices' server-wide side: the bounded pool that sends them, from server start to stop. */
public interface UserNoticeProviderFactory extends ProviderFactory<UserNoticeProvider> {
}
