package io.labforge.gitlab.projects;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The projects gitlab-service seeds (R10–R12), as the reference lab words them: read as GitLab reads
 * them (YAML), checked for the shape the requirements ask. They run for real once issue 6's pipeline
 * runner (gitlab-ci-local on a lab host) is in place.
 */
class ProjectTemplatesTest {
    static String resource(String path) throws IOException {
        try (InputStream in = ProjectTemplatesTest.class.getResourceAsStream("/io/labforge/gitlab/projects/" + path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String path) throws IOException {
        return new Yaml().load(resource(path));
    }

    @Test
    @SuppressWarnings("unchecked")
    void httpServerBuildsOnTheShellRunnerAndTestsInsideItsImageOnTheDockerRunner() throws IOException {
        Map<String, Object> ci = yaml("http-server/.gitlab-ci.yml");
        assertThat((List<String>) ci.get("stages")).containsExactly("build", "test");
        Map<String, Object> build = (Map<String, Object>) ci.get("build");
        assertThat((List<String>) build.get("tags")).containsExactly("shell");
        assertThat((List<String>) build.get("before_script")).containsExactly("docker info");
        assertThat(String.join("\n", (List<String>) build.get("script"))).contains("docker login", "$CI_REGISTRY_USER",
                "--password-stdin", "docker build", "docker push");
        Map<String, Object> test = (Map<String, Object>) ci.get("test");
        assertThat((List<String>) test.get("tags")).containsExactly("docker");
        assertThat(test.get("image")).isEqualTo("$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA");
        assertThat(String.join("\n", (List<String>) test.get("script"))).contains("curl", "localhost:8888");

        String dockerfile = resource("http-server/Dockerfile");
        assertThat(dockerfile).contains("ARG BASE=alpine:", "python3", "curl", "CMD [\"python3\", \"-m\", \"http.server\", \"8888\"]")
                .doesNotContain("ENTRYPOINT [");
    }

    @Test
    @SuppressWarnings("unchecked")
    void sleepytestRunsOnDebianOnTheDockerRunner() throws IOException {
        Map<String, Object> job = (Map<String, Object>) yaml("sleepytest/.gitlab-ci.yml").get("sleepytest-in-docker");
        assertThat(job.get("image")).isEqualTo("debian:bookworm");
        assertThat((List<String>) job.get("tags")).containsExactly("docker");
    }

    @Test
    @SuppressWarnings("unchecked")
    void tp1AppIsTheExampleStackWithItsImagesBuiltUnderTheProjectsRegistryPathAndWebTestedAgainstRedis() throws IOException {
        Map<String, String> files = ProjectTemplates.files("tp1-app");
        assertThat(files.get("web/app.py")).isEqualTo(Files.readString(Path.of("..", "examples", "tp1-app", "web", "app.py")));
        Map<String, Object> ci = new Yaml().load(files.get(".gitlab-ci.yml"));
        Map<String, Object> vars = (Map<String, Object>) ci.get("variables");
        assertThat(vars.get("REGISTRY")).isEqualTo("$CI_REGISTRY_IMAGE");
        Map<String, Object> compose = new Yaml().load(files.get("docker-compose.yml"));
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("web");
        assertThat(web.get("image")).isEqualTo("${REGISTRY:-localhost:5000}/tp1/web:${TAG:-1}");
        Map<String, Object> build = (Map<String, Object>) ci.get("build");
        assertThat((List<String>) build.get("tags")).containsExactly("shell");
        assertThat(String.join("\n", (List<String>) build.get("script"))).contains("docker-compose build", "docker-compose push");
        Map<String, Object> test = (Map<String, Object>) ci.get("test");
        assertThat((List<String>) test.get("tags")).containsExactly("docker");
        assertThat(test.get("image")).isEqualTo("$CI_REGISTRY_IMAGE/tp1/web:$CI_COMMIT_SHORT_SHA");
        assertThat(test.get("services").toString()).contains("alias=redis");
    }
}
