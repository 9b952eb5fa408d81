package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.features.Features;
import io.labforge.common.lab.LabParser;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import io.labforge.devrig.labhosts.LocalLab;
import io.labforge.gitlab.projects.ProjectTemplates;
import io.labforge.orchestrator.local.LabCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The seeded projects' pipelines (R10–R12), run for real: no GitLab or gitlab-runner can run here, so
 * their {@code .gitlab-ci.yml} is run by gitlab-ci-local (the npm package that runs GitLab CI files
 * locally; {@code lab-hosts/install-gitlab-ci-local}) against a lab host's Docker daemon (its Engine
 * API over TLS with a client certificate from the lab's CA) and the lab's registry (TLS from the lab's
 * CA): shell jobs' {@code docker} commands and docker jobs' containers run in that daemon. The image is
 * built and pushed under the project's registry path (R7), removed from the daemon, pulled back by the
 * test job, whose curl must pass; a broken Dockerfile fails the pipeline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelinesIT {
    static final String LAB = """
            apiVersion: labforge/v1
            kind: Lab
            name: ci
            domain: ci.test
            hosts:
              - name: ci1
                address: 10.77.0.11
                docker: {tls-port: 2376}
            swarm:
              managers: [ci1]
              registry: {host: ci1, port: 5000}
            """;
    static final String REGISTRY = "ci1.ci.test:5000";

    LabHostsFixture hosts;
    LocalLab local;
    Harness h;
    Path gcl;
    Path work;
    Path certs;
    Path dockerConfig;

    /** gitlab-ci-local where lab-hosts/install-gitlab-ci-local puts it, or where LABFORGE_GITLAB_CI_LOCAL says. */
    static Optional<Path> gitlabCiLocal() {
        String env = System.getenv("LABFORGE_GITLAB_CI_LOCAL");
        Path p = env != null ? Path.of(env) : Path.of("/var/cache/labforge/gitlab-ci-local/4.60.1/node_modules/.bin/gitlab-ci-local");
        return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        gcl = gitlabCiLocal().orElse(null);
        if (gcl == null) {
            System.out.println("PipelinesIT skipped: gitlab-ci-local is not installed (run lab-hosts/install-gitlab-ci-local)");
        }
        Assumptions.assumeTrue(gcl != null, "gitlab-ci-local is not installed: run lab-hosts/install-gitlab-ci-local");
        hosts = new LabHostsFixture("PipelinesIT", Features.PARSER.parse(LAB, "ci.yaml"), dir).up(Duration.ofMinutes(3), true);
        local = hosts.local;
        h = hosts.services(local.gateway()).h;
        hosts.bootstrapAll();
        String saga = Json.read(h.post("/api/sagas", LAB).body()).get("id").asString();
        JsonNode done = h.awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        // a client certificate from the lab's CA for the host's Engine API, as cluster-service has
        LabCa ca = LabCa.forLab(h.stateDir, "ci");
        certs = Files.createDirectories(dir.resolve("docker-certs"));
        KeyPair key = Pki.newKey();
        Files.writeString(certs.resolve("ca.pem"), Pki.pem(ca.certificate()));
        Files.writeString(certs.resolve("cert.pem"), Pki.pem(Pki.sign(Pki.csr(key, "pipelines-it"), ca.certificate(), ca.key().getPrivate(),
                "pipelines-it", List.of(), List.of(), Pki.Usage.CLIENT, Duration.ofDays(1))));
        Pki.writePrivateKey(certs.resolve("key.pem"), key);
        dockerConfig = Files.createDirectories(dir.resolve("docker-config"));
        work = dir.resolve("work");
    }

    @AfterAll
    void stop() {
        if (hosts != null) {
            hosts.close();
        }
    }

    record Run(int exit, String out) {
    }

    /** A project checked out from a template (one commit, as seeded), optionally with one file changed. */
    Path project(String template, Map<String, String> changes) throws Exception {
        Path p = Files.createDirectories(work.resolve(template + "-" + System.nanoTime()));
        for (Map.Entry<String, String> f : ProjectTemplates.files(template).entrySet()) {
            Files.createDirectories(p.resolve(f.getKey()).getParent());
            Files.writeString(p.resolve(f.getKey()), changes.getOrDefault(f.getKey(), f.getValue()));
        }
        run(p, List.of("git", "init", "-q", "-b", "main"));
        run(p, List.of("git", "add", "-A"));
        run(p, List.of("git", "-c", "user.email=ci@ci.test", "-c", "user.name=CI", "commit", "-qm", "seeded"));
        return p;
    }

    Run run(Path cwd, List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        // the lab host's Docker daemon, over TLS with the lab's CA; a docker login of the jobs stays in this test's config
        env.put("DOCKER_HOST", "tcp://" + hosts.lab.host("ci1").orElseThrow().address() + ":2376");
        env.put("DOCKER_TLS_VERIFY", "1");
        env.put("DOCKER_CERT_PATH", certs.toString());
        env.put("DOCKER_CONFIG", dockerConfig.toString());
        // Python's requests (docker-compose) lets REQUESTS_CA_BUNDLE override the CA it is given (requests#3829)
        env.remove("REQUESTS_CA_BUNDLE");
        env.remove("CURL_CA_BUNDLE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** gitlab-ci-local with what GitLab would give the job (registry variables) and the helper image it can have here. */
    Run pipeline(Path project, String project_, String... jobs) throws Exception {
        List<String> argv = new ArrayList<>(List.of(gcl.toString(), "--pull-policy", "if-not-present", "--helper-image", "debian:bookworm",
                "--variable", "CI_REGISTRY=" + REGISTRY, "--variable", "CI_REGISTRY_IMAGE=" + REGISTRY + "/root/" + project_,
                "--variable", "CI_REGISTRY_USER=root", "--variable", "CI_REGISTRY_PASSWORD=unused-by-this-registry",
                "--variable", "BASE=labforge/python:bookworm"));
        argv.addAll(List.of(jobs));
        Run r = run(project, argv);
        System.out.println("PipelinesIT " + project_ + " " + List.of(jobs) + ": exit " + r.exit() + "\n" + r.out());
        return r;
    }

    @Test
    @Order(1)
    void sleepytestRunsInDebianOnTheLabHostsDocker() throws Exception {
        Run r = pipeline(project("sleepytest", Map.of()), "sleepytest");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("PASS  sleepytest-in-docker", "hello from ");
    }

    @Test
    @Order(2)
    void httpServerIsBuiltPushedUnderItsProjectPathPulledBackAndCurledInsideItsImage() throws Exception {
        Path p = project("http-server", Map.of());
        String sha = run(p, List.of("git", "rev-parse", "--short=8", "HEAD")).out().strip();
        Run build = pipeline(p, "http-server", "build");
        assertThat(build.exit()).as(build.out()).isZero();
        assertThat(build.out()).contains("PASS  build", "Login Succeeded");
        // R7: <registry>:<port>/<user>/<project>:<tag> in the lab's registry
        String image = REGISTRY + "/root/http-server:" + sha;
        assertThat(hosts.on("ci1", "curl", "-sS", "--cacert", "/etc/docker/certs.d/" + REGISTRY + "/ca.crt",
                "https://" + REGISTRY + "/v2/root/http-server/tags/list")).contains(sha);
        // gone from the daemon, so the test job must pull it from the registry
        hosts.on("ci1", "docker", "rmi", image);
        Run test = pipeline(p, "http-server", "test");
        assertThat(test.exit()).as(test.out()).isZero();
        assertThat(test.out()).contains("PASS  test");
        assertThat(hosts.on("ci1", "docker", "image", "inspect", "--format", "{{index .RepoDigests 0}}", image)).startsWith(REGISTRY + "/root/http-server@sha256:");
    }

    @Test
    @Order(3)
    void tp1AppsImagesAreBuiltWithComposePushedUnderTheProjectAndWebIsTestedAgainstThePushedRedis() throws Exception {
        Assumptions.assumeTrue(onPath("docker-compose"), "docker-compose is not installed (apt-get install docker-compose)");
        Path p = project("tp1-app", Map.of());
        String sha = run(p, List.of("git", "rev-parse", "--short=8", "HEAD")).out().strip();
        List<String> bases = List.of("--variable", "PYTHON_IMAGE=labforge/python:bookworm", "--variable", "REDIS_IMAGE=labforge/redis:bookworm",
                "--variable", "NGINX_IMAGE=labforge/nginx:bookworm");
        Run build = pipeline(p, "tp1-app", concat(bases, "build"));
        assertThat(build.exit()).as(build.out()).isZero();
        for (String image : List.of("web", "redis", "nginx")) {
            String ref = REGISTRY + "/root/tp1-app/tp1/" + image + ":" + sha;
            assertThat(hosts.on("ci1", "curl", "-sS", "--cacert", "/etc/docker/certs.d/" + REGISTRY + "/ca.crt",
                    "https://" + REGISTRY + "/v2/root/tp1-app/tp1/" + image + "/tags/list")).contains(sha);
            hosts.on("ci1", "docker", "rmi", ref);
        }
        Run test = pipeline(p, "tp1-app", concat(bases, "test"));
        assertThat(test.exit()).as(test.out()).isZero();
        assertThat(test.out()).contains("I have been seen 1 times", "PASS  test");
    }

    static String[] concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    static boolean onPath(String program) {
        return Arrays.stream(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    @Test
    @Order(4)
    void aBrokenDockerfileFailsThePipeline() throws Exception {
        Path p = project("http-server", Map.of("Dockerfile", "FORM alpine\n"));
        Run build = pipeline(p, "http-server", "build");
        assertThat(build.exit()).isNotZero();
        assertThat(build.out()).contains("FAIL  build").containsIgnoringCase("unknown instruction");
    }
}
