package io.labforge.agent.executor.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.PushImage;
import io.labforge.common.messaging.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** R7's naming, the Docker configuration that carries the token, and what is refused (a real push: GitlabHostIT). */
class PushImageExecutorTest {
    @TempDir
    Path dir;

    static PushImage push(String path, String image, String tag) {
        return new PushImage("gitlab.tp2.lab:5050", path, image, tag, "debian:bookworm", "glpat-secret-1");
    }

    @Test
    void theTargetFollowsGitlabsConventionAndTheTokenTravelsOnlyInTheDockerConfig() {
        assertThat(PushImageExecutor.target(push("root/http-server", "base", "bookworm"))).isEqualTo("gitlab.tp2.lab:5050/root/http-server/base:bookworm");
        var auth = Json.read(PushImageExecutor.dockerConfig(push("root/http-server", "base", "bookworm"))).get("auths").get("gitlab.tp2.lab:5050").get("auth");
        assertThat(new String(Base64.getDecoder().decode(auth.asString()), StandardCharsets.UTF_8)).isEqualTo("root:glpat-secret-1");
        List<String> progress = new ArrayList<>();
        StepContext ctx = new StepContext(new HostRoot(dir), new ProcessRunner(), 1, progress::add);
        Outcome first = new PushImageExecutor().apply(push("root/http-server", "base", "bookworm"), ctx);
        assertThat(first.changed()).isTrue();
        assertThat(first.diff() + progress).doesNotContain("glpat-secret-1");
        assertThat(new PushImageExecutor().apply(push("root/http-server", "base", "bookworm"), ctx).changed()).isFalse();
        assertThat(new PushImageExecutor().check(push("root/http-server", "base", "v2"), ctx).diff()).startsWith("would push");
    }

    @Test
    void namesThatAreNotImageNamesAreRefused() {
        StepContext ctx = new StepContext(new HostRoot(dir), new ProcessRunner(), 1, x -> { });
        for (PushImage bad : List.of(push("http-server", "base", "v1"), push("root/http-server", "Base", "v1"),
                push("root/http-server", "base", "v 1"), new PushImage("gitlab;rm", "root/p", "i", "t", "s", "x"))) {
            assertThatThrownBy(() -> new PushImageExecutor().apply(bad, ctx)).isInstanceOf(ExecutorException.class);
        }
    }
}
