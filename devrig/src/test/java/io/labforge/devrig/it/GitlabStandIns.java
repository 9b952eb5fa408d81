package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.devrig.labhosts.Cmd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * GitLab's package and gitlab-runner as stand-ins on a lab host (none can be installed here):
 * src/test/resources/gitlab-standins, a dpkg-installed {@code gitlab-ce} whose {@code gitlab-ctl} records
 * its calls and runs GitLab's registry as Docker Distribution with a password file (the API token is the
 * password), and a {@code gitlab-runner} that writes config.toml as register/unregister do. The host's
 * Docker gets {@code debian:bookworm} from this machine's, for R7's push.
 */
final class GitlabStandIns {
    private GitlabStandIns() {
    }

    /** {@code urlHost}: the host name of the lab's external URL, which names GitLab's TLS files. */
    static void install(LabHostsFixture hosts, String host, String urlHost, String token) throws IOException {
        String crt = "/etc/gitlab/ssl/" + urlHost + ".crt";
        String key = "/etc/gitlab/ssl/" + urlHost + ".key";
        String ctl = Files.readString(Path.of("src/test/resources/gitlab-standins/gitlab-ctl"));
        String runner = Files.readString(Path.of("src/test/resources/gitlab-standins/gitlab-runner"));
        hosts.on(host, "sh", "-c", "mkdir -p /root/standin/DEBIAN /root/standin/opt/gitlab/bin /root/standin/usr/bin && cat > /root/standin/opt/gitlab/bin/gitlab-ctl <<'EOF'\n"
                + ctl + "EOF\nchmod 755 /root/standin/opt/gitlab/bin/gitlab-ctl && ln -sf /opt/gitlab/bin/gitlab-ctl /root/standin/usr/bin/gitlab-ctl"
                + " && printf 'Package: gitlab-ce\\nVersion: 0.0-labforge-standin\\nArchitecture: all\\nMaintainer: Labforge tests <t@labforge.test>\\n"
                + "Description: stand-in for GitLab CE in Labforge tests\\n' > /root/standin/DEBIAN/control"
                + " && dpkg-deb --build /root/standin /root/gitlab-ce-standin.deb >/dev/null && dpkg -i /root/gitlab-ce-standin.deb >/dev/null");
        hosts.on(host, "sh", "-c", "cat > /usr/local/bin/gitlab-runner <<'EOF'\n" + runner + "EOF\nchmod 755 /usr/local/bin/gitlab-runner");
        assertThat(hosts.on(host, "dpkg-query", "-W", "-f=${Status}", "gitlab-ce")).isEqualTo("install ok installed");
        String hash = OpenBSDBCrypt.generate("2b", token.toCharArray(), SecureRandom.getSeed(16), 10);
        hosts.on(host, "sh", "-c", "mkdir -p /etc/gitlab && echo 'root:" + hash + "' > /etc/gitlab/standin-registry.htpasswd && cat > /etc/gitlab/standin-registry.yml <<'EOF'\n"
                + "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/standin-registry\nhttp:\n  addr: :5050\n  tls:\n"
                + "    certificate: " + crt + "\n    key: " + key + "\nauth:\n  htpasswd:\n    realm: GitLab\n    path: /etc/gitlab/standin-registry.htpasswd\nEOF");
        Path tar = Files.createTempFile("debian-bookworm", ".tar");
        try {
            Cmd.require(List.of("docker", "save", "-o", tar.toString(), "debian:bookworm"), 300);
            Cmd.require(List.of("docker", "exec", "-i", hosts.local.container(hosts.lab.host(host).orElseThrow()), "docker", "load"), tar, 300);
        } finally {
            Files.deleteIfExists(tar);
        }
    }
}
