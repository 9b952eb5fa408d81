package io.labforge.common.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts processes from an argv list, never through a shell, with a timeout. Output lines are
 * passed to a progress sink (at most {@link #MAX_PROGRESS_LINES} per run, each cut to
 * {@link #MAX_LINE}) with any known secret masked.
 */
public final class ProcessRunner {
    public static final int MAX_PROGRESS_LINES = 200;
    public static final int MAX_LINE = 500;
    private static final int MAX_CAPTURE = 1 << 20;

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final Collection<String> secrets;

    public ProcessRunner(Collection<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    public ProcessRunner() {
        this(List.of());
    }

    public Result run(List<String> argv, Duration timeout, Consumer<String> progress) {
        return run(argv, Map.of(), timeout, progress);
    }

    /** With extra environment variables (e.g. {@code DEBIAN_FRONTEND}); never a shell. */
    public Result run(List<String> argv, Map<String, String> env, Duration timeout, Consumer<String> progress) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ExecutorException("cannot start " + argv.get(0) + ": " + e.getMessage(), false, e);
        }
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            int lines = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String masked = mask(line);
                    synchronized (out) {
                        if (out.length() < MAX_CAPTURE) {
                            out.append(masked).append('\n');
                        }
                    }
                    if (progress != null && lines++ < MAX_PROGRESS_LINES) {
                        progress.accept(masked.length() > MAX_LINE ? masked.substring(0, MAX_LINE) + "…" : masked);
                    }
                }
            } catch (IOException e) {
                // the process went away; its exit code says the rest
            }
        }, "proc-" + argv.get(0));
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new ExecutorException(String.join(" ", argv) + " did not finish within " + timeout.toSeconds() + "s",
                        true);
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new ExecutorException("interrupted while running " + argv.get(0), true, e);
        }
        synchronized (out) {
            return new Result(p.exitValue(), out.toString());
        }
    }

    /** Runs and fails the step when the exit code is not 0, with the output's tail as the reason. */
    public Result require(List<String> argv, Duration timeout, Consumer<String> progress) {
        return require(argv, Map.of(), timeout, progress);
    }

    public Result require(List<String> argv, Map<String, String> env, Duration timeout, Consumer<String> progress) {
        Result r = run(argv, env, timeout, progress);
        if (!r.ok()) {
            String tail = r.output().length() > 800 ? r.output().substring(r.output().length() - 800) : r.output();
            throw new ExecutorException(String.join(" ", argv) + " exited with " + r.exitCode() + ": " + tail.strip(), true);
        }
        return r;
    }

    /**
     * Runs a command whose standard output is data (JSON reports of lsblk, lvs, findmnt): returns that
     * output alone, and fails the step with the command's error output when the exit code is not 0.
     */
    public String query(List<String> argv, Duration timeout) {
        return query(argv, Map.of(), timeout);
    }

    /** {@link #query(List, Duration)} with extra environment variables. */
    public String query(List<String> argv, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv));
        pb.environment().put("LC_ALL", "C");
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ExecutorException("cannot start " + argv.get(0) + ": " + e.getMessage(), false, e);
        }
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readNBytes(MAX_CAPTURE), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        String out;
        try {
            out = new String(p.getInputStream().readNBytes(MAX_CAPTURE), StandardCharsets.UTF_8);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ExecutorException(String.join(" ", argv) + " did not finish within " + timeout.toSeconds() + "s", true);
            }
        } catch (IOException e) {
            throw new ExecutorException("cannot read the output of " + argv.get(0) + ": " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new ExecutorException("interrupted while running " + argv.get(0), true, e);
        }
        if (p.exitValue() != 0) {
            throw new ExecutorException(String.join(" ", argv) + " exited with " + p.exitValue() + ": "
                    + mask(err.join().strip()), true);
        }
        return mask(out);
    }

    private String mask(String line) {
        String m = line;
        for (String s : secrets) {
            if (!s.isEmpty()) {
                m = m.replace(s, "***");
            }
        }
        return m;
    }

    public static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
