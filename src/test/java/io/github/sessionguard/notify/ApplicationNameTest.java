package io.github.sessionguard.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests the name {@link ApplicationName} gives an application in the user's email. */
class ApplicationNameTest {

    @ParameterizedTest(name = "name ''{0}'', client ID {1}: {2}")
    @CsvSource(nullValues = "null", value = {
            "Notice Bank Mobile, mobile, Notice Bank Mobile",
            "'  Padded  ', mobile, Padded",
            "null, mobile, mobile",
            "'   ', mobile, mobile",
            "'${client_account}', account, account"})
    void theDisplayNameElseTheClientId(String name, String clientId, String expected) {
        assertThat(ApplicationName.of(name, clientId)).isEqualTo(expected);
    }
}
