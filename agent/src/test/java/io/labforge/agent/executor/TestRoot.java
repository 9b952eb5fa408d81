package io.labforge.agent.executor;

import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A host root in a test's directory: the step context executors run with, and its files by their path on the host. */
public final class TestRoot {
    private final Path dir;

    public TestRoot(Path dir) {
        this.dir = dir;
    }

    public StepContext ctx() {
        return new StepContext(new HostRoot(dir), new ProcessRunner(), 1, line -> { });
    }

    /** {@code /etc/fstab} → its file under the root. */
    public Path file(String path) {
        return dir.resolve(path.substring(1));
    }

    public void write(String path, String content) throws IOException {
        Files.createDirectories(file(path).getParent());
        Files.writeString(file(path), content);
    }

    public String read(String path) throws IOException {
        return Files.readString(file(path));
    }
}
