package io.github.sessionguard.signals;

import org.keycloak.ssf.event.SsfEvent;

/**
 * RISC's {@code account-disabled}: the subject's account was disabled. Keycloak 26.7.3's transmitter knows no RISC
 * event, so Session Guard contributes it ({@link RiscEventsFactory}).
 */
public final class RiscAccountDisabled extends SsfEvent {

    /** See https://openid.net/specs/openid-risc-1_0-final.html#account-disabled */
    public static final String TYPE = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";

    public RiscAccountDisabled() {
        super(TYPE);
    }
}
