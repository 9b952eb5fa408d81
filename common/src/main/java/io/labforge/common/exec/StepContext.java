package io.labforge.common.exec;

import java.util.function.Consumer;

/** What an executor may use while it runs one step. */
public record StepContext(HostRoot root, ProcessRunner processes, int attempt, Consumer<String> progress) {
}
