package io.labforge.orchestrator.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code labforge.api.*}: what one request may cost and whom the server answers.
 *
 * @param maxBodyBytes the largest request body taken, comments and the files sent with a lab included
 *        (default 1 MiB); a larger one is refused with 413 before it is parsed
 * @param maxHosts the most hosts one lab may have (default 500); more is a 422 naming {@code hosts}
 * @param allowedHosts the names the server answers as ({@code Host:} header; e.g. {@code labforge.example.org});
 *        empty: the loopback names when it listens on loopback, its own address when it listens on one,
 *        any when it listens on every address
 * @param oidcRoleClaim the claim of an OIDC access token that holds its Labforge role (a string or a list
 *        holding viewer, operator or admin); default {@code roles}
 * @param oidcNameClaim the claim that names the caller in the audit log; default {@code preferred_username}
 * @param tokenFile where an orchestrator that has no admin token writes the one it makes (mode 600);
 *        default {@code token} in its state directory
 * @param maxStreams the most live progress streams open at once (default 100); the next is refused with 503
 */
@ConfigurationProperties("labforge.api")
public record ApiProperties(Long maxBodyBytes, Integer maxHosts, List<String> allowedHosts, String oidcRoleClaim, String oidcNameClaim,
        String tokenFile, Integer maxStreams) {

    public ApiProperties {
        maxBodyBytes = maxBodyBytes == null ? 1024 * 1024 : maxBodyBytes;
        maxHosts = maxHosts == null ? 500 : maxHosts;
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        oidcRoleClaim = oidcRoleClaim == null || oidcRoleClaim.isBlank() ? "roles" : oidcRoleClaim;
        oidcNameClaim = oidcNameClaim == null || oidcNameClaim.isBlank() ? "preferred_username" : oidcNameClaim;
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("labforge.api.max-body-bytes must be at least 1024, not " + maxBodyBytes);
        }
        maxStreams = maxStreams == null ? 100 : maxStreams;
        if (maxStreams < 1) {
            throw new IllegalArgumentException("labforge.api.max-streams must be at least 1, not " + maxStreams);
        }
        if (maxHosts < 1) {
            throw new IllegalArgumentException("labforge.api.max-hosts must be at least 1, not " + maxHosts);
        }
    }
}
