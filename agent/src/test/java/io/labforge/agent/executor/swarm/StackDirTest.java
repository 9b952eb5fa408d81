package io.labforge.agent.executor.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.lab.swarm.BuildStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stack's files land in its directory and nowhere else; a build is recognised by its inputs. */
class StackDirTest {
    @Test
    void filesAreWrittenInsideTheStacksDirectoryOnly(@TempDir Path dir) throws IOException {
        Path compose = StackDir.writeTo(dir.resolve("tp1"), "tp1", Map.of("docker-compose.yml", "services: {}\n",
                "web/app.py", "print()\n"), "docker-compose.yml");
        assertThat(compose).isEqualTo(dir.resolve("tp1/docker-compose.yml"));
        assertThat(Files.readString(dir.resolve("tp1/web/app.py"))).isEqualTo("print()\n");
        // written afresh: a file gone from the lab is gone from the host
        StackDir.writeTo(dir.resolve("tp1"), "tp1", Map.of("docker-compose.yml", "services: {}\n"), "docker-compose.yml");
        assertThat(dir.resolve("tp1/web/app.py")).doesNotExist();

        for (String bad : new String[] {"../escape", "/etc/passwd", "web/../../escape", "a b"}) {
            assertThatThrownBy(() -> StackDir.writeTo(dir.resolve("tp1"), "tp1", Map.of(bad, "x", "docker-compose.yml", ""),
                    "docker-compose.yml")).as(bad).isInstanceOf(ExecutorException.class).hasMessageContaining("not a path inside");
        }
        assertThat(dir.resolve("escape")).doesNotExist();
        assertThatThrownBy(() -> StackDir.writeTo(dir.resolve("tp1"), "tp1", Map.of("web/app.py", ""), "docker-compose.yml"))
                .hasMessageContaining("no docker-compose.yml");
    }

    @Test
    void theBuildRecordChangesWithFilesAndVariablesOnly() {
        BuildStack a = new BuildStack("tp1", "docker-compose.yml", Map.of("web/app.py", "v1"), Map.of("TAG", "1"));
        assertThat(BuildStackExecutor.inputsHash(a))
                .isEqualTo(BuildStackExecutor.inputsHash(new BuildStack("tp1", "docker-compose.yml", Map.of("web/app.py", "v1"), Map.of("TAG", "1"))))
                .isNotEqualTo(BuildStackExecutor.inputsHash(new BuildStack("tp1", "docker-compose.yml", Map.of("web/app.py", "v2"), Map.of("TAG", "1"))))
                .isNotEqualTo(BuildStackExecutor.inputsHash(new BuildStack("tp1", "docker-compose.yml", Map.of("web/app.py", "v1"), Map.of("TAG", "2"))));
    }
}
