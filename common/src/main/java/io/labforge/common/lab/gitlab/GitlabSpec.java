package io.labforge.common.lab.gitlab;

import io.labforge.common.lab.Lab;
import java.net.URI;
import java.util.List;

/**
 * Part 1 of the reference lab (R5–R13). {@code install}: {@code omnibus} (the package, from GitLab's
 * repository for the host's OS, or {@code packageRepository}, a mirror), {@code container}
 * ({@code image}, default gitlab/gitlab-ce:latest) or {@code existing} (a GitLab already running at
 * {@code externalUrl} with a certificate from the lab's CA: Labforge neither installs, configures nor
 * stops it); {@code rootPassword}, {@code token}: names of secrets the orchestrator holds (never the
 * values; without {@code token} Labforge makes one on the GitLab host); {@code hooksDir}: where GitLab
 * runs server hooks (R8); {@code monitoringAllow}: addresses (CIDR) allowed to GitLab's health
 * endpoints besides the host itself (gitlab-service's, when it runs elsewhere).
 */
public record GitlabSpec(String host, String externalUrl, Integer registryPort, String install, String rootPasswordSecret,
        List<Runner> runners, List<String> projects, String hooksDir, String tokenSecret, String image,
        String packageRepository, List<String> monitoringAllow, List<Image> images, Tls tls) {

    public static final String DEFAULT_HOOKS_DIR = "/var/opt/gitlab/gitaly/custom_hooks";
    /** The projects Labforge knows how to seed (R10, R11–R12, R13). */
    public static final List<String> KNOWN_PROJECTS = List.of("sleepytest", "http-server", "tp1-app");

    /** The lab's GitLab, or null. */
    public static GitlabSpec of(Lab lab) {
        return lab.section(GitlabReader.SECTION);
    }

    public boolean installs() {
        return !"existing".equals(install);
    }

    /** The host name in the external URL (what the certificate and the clients use). */
    public String urlHost() {
        return URI.create(externalUrl).getHost();
    }

    /**
     * GitLab's TLS from files the lab gives instead of the lab's CA: {@code certificate} and {@code ca}
     * are paths next to the lab file (their PEM in {@code certificatePem}/{@code caPem} when the lab came
     * with its files), the key the name of a secret the orchestrator holds.
     */
    public record Tls(String certificate, String ca, String keySecret, String certificatePem, String caPem) {
        /** {@code tls: public}: an existing GitLab whose certificate a public CA signed (trusted as the system trusts it). */
        public static final Tls PUBLIC = new Tls(null, null, null, null, null);

        public boolean isPublic() {
            return certificate == null;
        }
    }

    /** R7: an image of the GitLab host's Docker ({@code from}) pushed as {@code <registry>/<namespace>/<project>/<name>:<tag>}. */
    public record Image(String project, String name, String from, String tag) {
    }

    /**
     * R9: a runner on {@code host} with the {@code docker} or {@code shell} executor, its tags, whether it
     * takes untagged jobs; {@code image}: the docker executor's default image.
     */
    public record Runner(String name, String host, String executor, List<String> tags, boolean runUntagged, String image) {
    }
}
