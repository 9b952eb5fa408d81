package io.labforge.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.lab.LabParser;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.labhosts.Cmd;
import io.labforge.orchestrator.labhosts.LocalLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Part 1 as far as it is built (issue 6), on a real lab host: the GitLab host's certificate from the
 * lab's CA checked with openssl and curl against a real TLS server using the installed files, the
 * host's CA store and Docker trusting that CA (R5),
 * and the pre-receive hook refusing a real push (R8); re-applying changes nothing; compensation
 * removes what the saga made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitlabHostIT {
    static final String SSL = "/etc/gitlab/ssl/";
    static final String CRT = SSL + "gitlab.gitlab.test.crt";
    static final String KEY = SSL + "gitlab.gitlab.test.key";
    static final String CA = SSL + "labforge-ca.crt";
    static final String HOOK = "/var/opt/gitlab/gitaly/custom_hooks/pre-receive.d/labforge-lint";

    String labSource;
    LabHostsFixture lab;
    LocalLab local;
    Harness h;
    String saga;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        labSource = Files.readString(Path.of("..", "examples", "gitlab-lab.yaml"));
        lab = new LabHostsFixture("GitlabHostIT", LabParser.parse(labSource, "gitlab-lab.yaml"), dir).up(Duration.ofMinutes(3), true);
        local = lab.local;
        h = lab.services(local.gateway()).h;
        lab.bootstrapAll();
    }

    @AfterAll
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    String on(String... argv) {
        return lab.on("gitlab", argv);
    }

    @Test
    @Order(1)
    void theCertificateIsTheLabCasForTheUrlsNameAndARealTlsServerProvesIt() {
        saga = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode done = h.awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");

        // R5's openings: services and a port in one step (firewall-cmd takes them in separate calls)
        assertThat(on("firewall-cmd", "--zone", "public", "--list-services")).contains("http", "https");
        assertThat(on("firewall-cmd", "--permanent", "--zone", "public", "--list-ports")).contains("5050/tcp");

        assertThat(on("openssl", "verify", "-CAfile", CA, CRT)).isEqualTo(CRT + ": OK");
        assertThat(on("openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", CRT))
                .contains("DNS:gitlab.gitlab.test", "DNS:gitlab", "IP Address:10.78.0.10");
        // the key made on the host is the certificate's, and only root reads it
        assertThat(on("openssl", "pkey", "-in", KEY, "-pubout")).isEqualTo(on("openssl", "x509", "-in", CRT, "-noout", "-pubkey"));
        assertThat(on("stat", "-c", "%a %U", KEY)).isEqualTo("600 root");

        // a real TLS server with the installed files; curl checks the chain and the name
        on("sh", "-c", "cd /tmp && (openssl s_server -quiet -accept 8443 -cert " + CRT + " -key " + KEY
                + " -WWW </dev/null >/tmp/s_server.log 2>&1 &) && echo hello > /tmp/index.txt");
        String page = null;
        for (int i = 0; i < 50 && page == null; i++) {
            Cmd.Result r = local.exec("gitlab", "curl", "-sS", "--cacert", CA, "https://gitlab.gitlab.test:8443/index.txt");
            page = r.ok() ? r.out() : null;
            if (page == null) {
                sleep(200);
            }
        }
        assertThat(page).as("curl through TLS with the lab's CA").isEqualTo("hello");
        on("mkdir", "-p", "/root/no-cas");
        Cmd.Result wrongName = local.exec("gitlab", "curl", "-sS", "--cacert", CA, "--capath", "/root/no-cas", "--resolve", "other.test:8443:127.0.0.1",
                "https://other.test:8443/index.txt");
        assertThat(wrongName.ok()).as("a name the certificate does not hold is refused").isFalse();
        on("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=another CA",
                "-keyout", "/root/other-ca.key", "-out", "/root/other-ca.crt", "-days", "1");
        assertThat(local.exec("gitlab", "curl", "-sS", "--cacert", "/root/other-ca.crt", "--capath", "/root/no-cas",
                "https://gitlab.gitlab.test:8443/index.txt").ok())
                .as("another CA does not vouch for it").isFalse();
        // R5: the host's own CA store trusts the lab's CA (git, curl, gitlab-runner need no option), and Docker does for the registry
        assertThat(on("curl", "-sS", "https://gitlab.gitlab.test:8443/index.txt")).isEqualTo("hello");
        assertThat(on("cat", "/etc/docker/certs.d/gitlab.gitlab.test:5050/ca.crt")).isEqualTo(on("cat", CA));
        local.exec("gitlab", "pkill", "-f", "openssl s_server");
    }

    @Test
    @Order(2)
    void thePreReceiveHookRefusesABrokenDockerfileOnTheHost() {
        assertThat(on("stat", "-c", "%a", HOOK)).isEqualTo("755");
        // GitLab runs server hooks as git runs a repository's own: a bare repository with it shows the behaviour
        // (under /root: the lab host's /tmp is a noexec tmpfs, where git could not run a hook)
        on("sh", "-c", "rm -rf /root/srv.git /root/work && git init -q --bare /root/srv.git && cp " + HOOK + " /root/srv.git/hooks/pre-receive"
                + " && git init -q -b main /root/work && cd /root/work && git config user.email s@lab.test && git config user.name S"
                + " && printf 'services:\\n  web: {image: nginx}\\n' > docker-compose.yml && git add -A && git commit -qm ok"
                + " && git push -q /root/srv.git HEAD:main");
        Cmd.Result refused = local.exec("gitlab", "sh", "-c", "cd /root/work && printf 'FORM debian\\n' > Dockerfile && git add -A"
                + " && git commit -qm broken && git push -q /root/srv.git HEAD:main");
        assertThat(refused.ok()).isFalse();
        assertThat(refused.out()).contains("GL-HOOK-ERR: Dockerfile (refs/heads/main): line 1: unknown instruction FORM");
    }

    @Test
    @Order(3)
    void reapplyingChangesNothingAndCompensationRemovesWhatTheSagaMade() {
        String again = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode second = h.awaitFinal(again, Duration.ofMinutes(3));
        assertThat(second.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(second.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());

        assertThat(h.post("/api/sagas/" + saga + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(h.awaitFinal(saga, Duration.ofMinutes(3)).get("status").asString()).isEqualTo("COMPENSATED");
        for (String f : List.of(HOOK, KEY, CRT, CA, "/usr/local/share/ca-certificates/labforge-gitlab.crt",
                "/etc/docker/certs.d/gitlab.gitlab.test:5050/ca.crt")) {
            assertThat(local.exec("gitlab", "test", "-e", f).ok()).as(f + " removed").isFalse();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
