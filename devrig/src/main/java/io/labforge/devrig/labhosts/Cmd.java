package io.labforge.devrig.labhosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a local program from an argv list (never a shell) and returns its output, or fails with it. */
public final class Cmd {
    public record Result(int exit, String out) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private Cmd() {
    }

    public static Result run(List<String> argv, long timeoutSeconds) {
        return run(argv, null, timeoutSeconds);
    }

    /** With the program's standard input read from {@code input} (null: none). */
    public static Result run(List<String> argv, Path input, long timeoutSeconds) {
        return run(argv, input, null, Map.of(), timeoutSeconds);
    }

    /** In the directory {@code dir} (null: this process's), with {@code env} added to this process's environment. */
    public static Result run(List<String> argv, Path dir, Map<String, String> env, long timeoutSeconds) {
        return run(argv, null, dir, env, timeoutSeconds);
    }

    /** With {@code input} (null: none) as its standard input, in {@code dir}, with {@code env} added. */
    public static Result run(List<String> argv, Path input, Path dir, Map<String, String> env, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().putAll(env);
            if (input != null) {
                pb.redirectInput(input.toFile());
            }
            Process p = pb.start();
            if (input == null) {
                p.getOutputStream().close();
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + timeoutSeconds + "s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public static String require(List<String> argv, long timeoutSeconds) {
        return require(argv, null, timeoutSeconds);
    }

    public static String require(List<String> argv, Path input, long timeoutSeconds) {
        Result r = run(argv, input, timeoutSeconds);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (" + r.exit() + "): " + r.out());
        }
        return r.out();
    }
}
