package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.features.Features;
import io.labforge.common.lab.LabParser;
import io.labforge.common.messaging.Json;
import io.labforge.devrig.labhosts.Cmd;
import io.labforge.devrig.labhosts.LocalLab;
import io.labforge.gitlab.fake.FakeGitlab;
import io.labforge.orchestrator.local.LabCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Part 1 (issue 6) on a real lab host, the orchestrator, Kafka, PostgreSQL, the agent and gitlab-service
 * all real; GitLab itself is not (none can be installed here), so: the GitLab API is {@link FakeGitlab}
 * (GitLab's documented API, with a certificate from the lab's CA, Git pushes into JGit repositories),
 * and on the host GitLab's package and gitlab-runner are stand-ins (src/test/resources/gitlab-standins:
 * a dpkg-installed {@code gitlab-ce} whose {@code gitlab-ctl} records its calls and runs GitLab's registry
 * as Docker Distribution with a password file, and a {@code gitlab-runner} that writes config.toml as
 * register/unregister do).
 *
 * <p>Checked: the certificate from the lab's CA with openssl and curl against a real TLS server using
 * the installed files, the host's CA store and Docker trusting that CA (R5); gitlab.rb written and
 * {@code gitlab-ctl reconfigure} run; GitLab waited for over TLS; the projects created and seeded with
 * JGit (R10–R13); an image pushed under a project's registry path (R7); the runners created through the API and registered on the host with the tokens GitLab
 * gave, extra_hosts in config.toml (R9); no secret in the audit log; the pre-receive hook refusing a
 * real push (R8); re-applying changes nothing; compensation unregisters and deletes the runners, deletes
 * the projects, stops GitLab and removes what the saga made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitlabHostIT {
    static final String SSL = "/etc/gitlab/ssl/";
    // the fake GitLab answers on this machine: the lab's URL is https://localhost:<port>
    static final String CRT = SSL + "localhost.crt";
    static final String KEY = SSL + "localhost.key";
    static final String TOKEN = "glpat-gitlabhostit-0123";
    static final String ROOT_PASSWORD = "it-root-Password-42";
    static final String CA = SSL + "labforge-ca.crt";
    static final String HOOK = "/var/opt/gitlab/gitaly/custom_hooks/pre-receive.d/labforge-lint";

    String labSource;
    LabHostsFixture lab;
    LocalLab local;
    Harness h;
    String saga;
    FakeGitlab gitlab;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        String example = Files.readString(Path.of("..", "examples", "gitlab-lab.yaml"));
        lab = new LabHostsFixture("GitlabHostIT", Features.PARSER.parse(example, "gitlab-lab.yaml"), dir).up(Duration.ofMinutes(3), true);
        local = lab.local;
        h = lab.services(local.gateway()).h;
        LabCa ca = LabCa.forLab(h.stateDir, "gitlab");
        gitlab = new FakeGitlab(TOKEN, ca.certificate(), ca.key().getPrivate());
        // the example, pointed at the fake GitLab, with an API token the lab names as a secret
        labSource = example.replace("externalUrl: https://gitlab.gitlab.test", "externalUrl: " + gitlab.url())
                .replace("  rootPassword: {secret: GITLAB_ROOT_PASSWORD}", "  rootPassword: {secret: GITLAB_ROOT_PASSWORD}\n  token: {secret: GITLAB_TOKEN}");
        assertThat(labSource).contains(gitlab.url(), "GITLAB_TOKEN");
        Files.createDirectories(h.stateDir.resolve("secrets"));
        Files.writeString(h.stateDir.resolve("secrets/GITLAB_TOKEN"), TOKEN);
        Files.writeString(h.stateDir.resolve("secrets/GITLAB_ROOT_PASSWORD"), ROOT_PASSWORD);
        h.startGitlabService();
        lab.bootstrapAll();
        installStandIns();
    }

    /** GitLab's package and gitlab-runner as stand-ins on the host (see the class comment). */
    void installStandIns() throws IOException {
        GitlabStandIns.install(lab, "gitlab", "localhost", TOKEN);
    }

    @AfterAll
    void stop() {
        if (gitlab != null) {
            gitlab.close();
        }
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
                .contains("DNS:localhost", "DNS:gitlab.gitlab.test", "DNS:gitlab", "IP Address:10.78.0.10");
        // the key made on the host is the certificate's, and only root reads it
        assertThat(on("openssl", "pkey", "-in", KEY, "-pubout")).isEqualTo(on("openssl", "x509", "-in", CRT, "-noout", "-pubkey"));
        assertThat(on("stat", "-c", "%a %U", KEY)).isEqualTo("600 root");

        // a real TLS server with the installed files; curl checks the chain and the name
        on("sh", "-c", "cd /tmp && (openssl s_server -quiet -accept 8443 -cert " + CRT + " -key " + KEY
                + " -WWW </dev/null >/tmp/s_server.log 2>&1 &) && echo hello > /tmp/index.txt");
        String page = await("openssl s_server answers").atMost(Duration.ofSeconds(10)).until(() -> {
            Cmd.Result r = local.exec("gitlab", "curl", "-sS", "--cacert", CA, "https://gitlab.gitlab.test:8443/index.txt");
            return r.ok() ? r.out() : null;
        }, Objects::nonNull);
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
        assertThat(on("cat", "/etc/docker/certs.d/localhost:5050/ca.crt")).isEqualTo(on("cat", CA));
        local.exec("gitlab", "pkill", "-f", "openssl s_server");
    }

    @Test
    @Order(2)
    void gitlabIsConfiguredWaitedForAndItsProjectsAndRunnersMadeThroughItsApiWithNoSecretInTheAuditLog() throws Exception {
        // R5: gitlab.rb from the lab (mode 600), then one reconfigure (the package was there already)
        String rb = on("cat", "/etc/gitlab/gitlab.rb");
        assertThat(rb).contains("external_url '" + gitlab.url() + "'", "nginx['ssl_certificate'] = '/etc/gitlab/ssl/localhost.crt'",
                "gitlab_rails['monitoring_whitelist'] = ['127.0.0.0/8', '::1/128']", "custom_hooks_dir: '/var/opt/gitlab/gitaly/custom_hooks'");
        assertThat(on("stat", "-c", "%a", "/etc/gitlab/gitlab.rb")).isEqualTo("600");
        assertThat(on("cat", "/var/log/labforge-standin-gitlab-ctl.log")).isEqualTo("reconfigure");

        // R10–R13: the three projects, each seeded with one commit of its template
        assertThat(gitlab.projects().values()).extracting(p -> p.get("path_with_namespace").asString())
                .containsExactlyInAnyOrder("root/sleepytest", "root/http-server", "root/tp1-app");
        for (var p : gitlab.projects().values()) {
            assertThat(p.get("empty_repo").asBoolean()).as(p.toString()).isFalse();
            assertThat(gitlab.repository(p.get("id").asLong()).resolve("refs/heads/main")).isNotNull();
        }
        long tp1 = gitlab.projects().values().stream().filter(p -> p.get("path").asString().equals("tp1-app")).findFirst().orElseThrow()
                .get("id").asLong();
        assertThat(gitlab.repository(tp1).resolve("main:web/app.py")).as("tp1-app holds examples/tp1-app").isNotNull();

        // R9: two runners made through the API with the lab's tags, registered on the host with the tokens GitLab gave
        assertThat(gitlab.runners().values()).extracting(r -> r.get("description").asString() + " " + r.get("tag_list"))
                .containsExactlyInAnyOrder("gitlab-docker [\"docker\"]", "gitlab-shell [\"shell\"]");
        JsonNode config = new TomlMapper().readTree(on("cat", "/etc/gitlab-runner/config.toml"));
        assertThat(config.get("runners")).hasSize(2);
        for (JsonNode r : config.get("runners")) {
            assertThat(r.get("url").asString()).isEqualTo(gitlab.url());
            assertThat(gitlab.runnerTokens().values()).contains(r.get("token").asString());
            assertThat(r.get("tls-ca-file").asString()).isEqualTo("/etc/gitlab-runner/certs/localhost.crt");
            if (r.get("executor").asString().equals("docker")) {
                assertThat(r.get("docker").get("extra_hosts").toString()).isEqualTo("[\"localhost:10.78.0.10\"]");
            }
        }
        assertThat(on("cat", "/etc/gitlab-runner/certs/localhost.crt")).isEqualTo(on("cat", CA));
        String calls = on("cat", "/var/log/labforge-standin-gitlab-runner.log");
        assertThat(calls).contains("\"register\", \"--non-interactive\", \"--url\"").doesNotContain("glrt-");

        // R7: debian:bookworm pushed by Labforge to the project's registry path, which needs the credentials
        String tags = on("curl", "-sS", "--cacert", CA, "-u", "root:" + TOKEN, "https://localhost:5050/v2/root/http-server/base/tags/list");
        assertThat(tags).isEqualTo("{\"name\":\"root/http-server/base\",\"tags\":[\"bookworm\"]}");
        assertThat(on("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", CA, "https://localhost:5050/v2/_catalog"))
                .as("the registry asks for credentials").isEqualTo("401");
        assertThat(on("sh", "-c", "ls -d /var/lib/labforge/push-* 2>/dev/null | wc -l")).as("the push's Docker config is gone").isEqualTo("0");

        // secrets: neither the API token, the runners' tokens nor the root password in the audit log or the saga's view
        String audit = h.get("/api/audit?limit=5000").body() + h.get("/api/sagas/" + saga).body();
        assertThat(audit).contains("gitlab-runner-gitlab-docker@gitlab-service").doesNotContain(TOKEN).doesNotContain(ROOT_PASSWORD);
        gitlab.runnerTokens().values().forEach(t -> assertThat(audit).doesNotContain(t));
    }

    @Test
    @Order(3)
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
    @Order(4)
    void reapplyingChangesNothingAndCompensationRemovesWhatTheSagaMade() throws Exception {
        String again = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode second = h.awaitFinal(again, Duration.ofMinutes(3));
        assertThat(second.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(second.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());
        // a plan checks the same through GitLab's API (the token a secret it reads too) and finds nothing to change
        String plan = Json.read(h.post("/api/sagas?mode=plan", labSource).body()).get("id").asString();
        JsonNode planned = h.awaitFinal(plan, Duration.ofMinutes(3));
        assertThat(planned.get("status").asString()).as(planned.toString()).isEqualTo("SUCCEEDED");
        assertThat(planned.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());

        assertThat(h.post("/api/sagas/" + saga + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(h.awaitFinal(saga, Duration.ofMinutes(3)).get("status").asString()).isEqualTo("COMPENSATED");
        for (String f : List.of(HOOK, KEY, CRT, CA, "/usr/local/share/ca-certificates/labforge-gitlab.crt",
                "/etc/docker/certs.d/localhost:5050/ca.crt")) {
            assertThat(local.exec("gitlab", "test", "-e", f).ok()).as(f + " removed").isFalse();
        }
        // runners unregistered on the host and deleted in GitLab, projects deleted, GitLab stopped
        assertThat(new TomlMapper().readTree(on("cat", "/etc/gitlab-runner/config.toml")).path("runners")).isEmpty();
        assertThat(gitlab.runners()).isEmpty();
        assertThat(gitlab.projects()).isEmpty();
        assertThat(on("cat", "/var/log/labforge-standin-gitlab-ctl.log")).isEqualTo("reconfigure\nstop");
    }

}
