package io.labforge.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The names the API answers as, from its configuration or the address it listens on. */
class AllowedHostsTest {

    @Test
    void onLoopbackOnlyTheLoopbackNames() {
        assertThat(ApiSecurity.allowedHosts(List.of(), "127.0.0.1")).contains("localhost", "127.0.0.1", "[::1]")
                .doesNotContain("evil.example");
    }

    @Test
    void onOneAddressThatAddress() {
        assertThat(ApiSecurity.allowedHosts(List.of(), "10.77.0.1")).containsExactly("10.77.0.1");
    }

    @Test
    void onEveryAddressAnyNameUnlessConfigured() {
        assertThat(ApiSecurity.allowedHosts(List.of(), "0.0.0.0")).isEmpty();
        assertThat(ApiSecurity.allowedHosts(List.of(), "")).isEmpty();
        assertThat(ApiSecurity.allowedHosts(List.of("Labforge.Example.org", " 10.0.0.5 "), "0.0.0.0"))
                .containsExactly("labforge.example.org", "10.0.0.5");
        assertThat(ApiSecurity.allowedHosts(List.of("*"), "127.0.0.1")).as("* answers any name").isEmpty();
    }
}
