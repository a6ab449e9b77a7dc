package io.github.sessionguard.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sessionguard.tier.TierRefusal;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * A single-use store that can't answer must never be read as "this token was spent": that would end the user's
 * session for a network fault. It is a server error the app retries.
 */
class SpentTokensTest {

    @Test
    void aTokenIsSpentOnceThenFoundSpent() throws TierRefusal {
        Set<String> keys = new HashSet<>();
        SpentTokens spent = new SpentTokens(sessionWith(store(method -> switch (method) {
            case "putIfAbsent" -> args -> keys.add((String) args[0]);
            case "contains" -> args -> keys.contains((String) args[0]);
            default -> null;
        })));

        assertThat(spent.spend("t1", 60)).isTrue();
        assertThat(spent.spend("t1", 60)).isFalse();
    }

    @Test
    void aStoreThatThrowsIsUnavailableNotAReplay() {
        SpentTokens spent = new SpentTokens(sessionWith(store(method -> args -> {
            throw new IllegalStateException("remote cache does not answer");
        })));

        assertThatThrownBy(() -> spent.spend("t1", 60)).isInstanceOfSatisfying(TierRefusal.class, refusal -> {
            assertThat(refusal.error()).isEqualTo("temporarily_unavailable");
            assertThat(refusal.status().getStatusCode()).isEqualTo(503);
        });
    }

    /** Keycloak's store answers false, not an exception, when a remote cache fails during putIfAbsent. */
    @Test
    void aRefusedMarkWithNoMarkerInTheStoreIsUnavailableNotAReplay() {
        SpentTokens spent = new SpentTokens(sessionWith(store(method -> switch (method) {
            case "putIfAbsent", "contains" -> args -> false;
            default -> null;
        })));

        assertThatThrownBy(() -> spent.spend("t1", 60)).isInstanceOf(TierRefusal.class)
                .hasMessageContaining("retry");
    }

    private interface Answer {
        Object answer(Object[] args);
    }

    private static SingleUseObjectProvider store(Function<String, Answer> answers) {
        return (SingleUseObjectProvider) Proxy.newProxyInstance(SpentTokensTest.class.getClassLoader(),
                new Class<?>[] {SingleUseObjectProvider.class}, (proxy, method, args) -> {
                    Answer answer = answers.apply(method.getName());
                    if (answer == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return answer.answer(args);
                });
    }

    private static KeycloakSession sessionWith(SingleUseObjectProvider store) {
        return (KeycloakSession) Proxy.newProxyInstance(SpentTokensTest.class.getClassLoader(),
                new Class<?>[] {KeycloakSession.class}, (proxy, method, args) -> {
                    if (method.getName().equals("singleUseObjects")) {
                        return store;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
