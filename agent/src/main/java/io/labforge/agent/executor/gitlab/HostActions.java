package io.labforge.agent.executor.gitlab;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a GitLab step does on its host, as data: commands (argv, never a shell; environment values
 * named so a secret stays off the command line) and files. Built by pure functions the tests read
 * against GitLab's documentation, then run in order. Under a test root nothing is run: files are
 * written there and the commands are only listed.
 */
final class HostActions {
    sealed interface Action {
    }

    /** A command; {@code env} holds its extra environment (secrets go here, not in argv). */
    record Run(List<String> argv, Map<String, String> env, Duration timeout) implements Action {
        Run(List<String> argv, Duration timeout) {
            this(argv, Map.of(), timeout);
        }

        @Override
        public String toString() {
            return String.join(" ", argv) + (env.isEmpty() ? "" : " (with " + String.join(", ", env.keySet()) + ")");
        }
    }

    /** A file written with its mode ({@code rw-r--r--} form). */
    record Write(String path, String content, String mode) implements Action {
        @Override
        public String toString() {
            return "write " + path;
        }
    }

    private HostActions() {
    }

    static void run(List<Action> actions, StepContext ctx) {
        for (Action a : actions) {
            if (a instanceof Write w) {
                write(ctx, w);
            } else if (a instanceof Run r) {
                if (!ctx.root().isReal()) {
                    ctx.progress().accept("not run (the host root is a test directory): " + r);
                    continue;
                }
                ctx.progress().accept("$ " + r);
                // a token or password given in the environment is masked in what the command prints
                List<String> secrets = r.env().entrySet().stream().filter(e -> e.getKey().contains("TOKEN") || e.getKey().contains("PASSWORD"))
                        .map(Map.Entry::getValue).filter(v -> !v.isEmpty()).toList();
                new ProcessRunner(secrets).require(r.argv(), r.env(), r.timeout(), ctx.progress());
            }
        }
    }

    static void write(StepContext ctx, Write w) {
        Files2.write(ctx.root().path(w.path()), w.content(), w.mode());
    }

    /** ID and VERSION_CODENAME of {@code /etc/os-release} (GitLab's repositories are per distribution and release). */
    record Os(String id, String codename) {
        static Os of(StepContext ctx) {
            Map<String, String> kv = new LinkedHashMap<>();
            Optional<String> text = Files2.read(ctx.root().path("/etc/os-release"));
            text.ifPresent(t -> t.lines().forEach(l -> {
                int eq = l.indexOf('=');
                if (eq > 0) {
                    kv.put(l.substring(0, eq), l.substring(eq + 1).replace("\"", ""));
                }
            }));
            String id = kv.getOrDefault("ID", "");
            String codename = kv.getOrDefault("VERSION_CODENAME", "");
            if (!(id.equals("debian") || id.equals("ubuntu")) || codename.isEmpty()) {
                throw ExecutorException.refused("GitLab's apt repositories serve Debian and Ubuntu; this host's /etc/os-release says ID="
                        + id + " VERSION_CODENAME=" + codename + ": use gitlab.install: container, or install the package yourself");
            }
            return new Os(id, codename);
        }
    }

    static final String DEFAULT_PACKAGES = "https://packages.gitlab.com";

    /**
     * GitLab's apt repository for {@code project} ({@code gitlab/gitlab-ce}, {@code runner/gitlab-runner})
     * set up as GitLab's own set-up script does it by hand: prerequisites, the repository's key
     * dearmored into a keyring under /usr/share/keyrings, a {@code sources.list.d} entry signed by it,
     * and an index update.
     */
    static List<Action> aptRepository(String base, String project, Os os) {
        String root = base == null || base.isBlank() ? DEFAULT_PACKAGES : base.replaceAll("/+$", "");
        String slug = project.replace('/', '_');
        String keyring = "/usr/share/keyrings/" + slug + "-archive-keyring.gpg";
        String key = "/var/lib/labforge/" + slug + ".gpgkey";
        Map<String, String> apt = Map.of("DEBIAN_FRONTEND", "noninteractive");
        List<Action> a = new ArrayList<>();
        a.add(new Run(List.of("apt-get", "update", "-q"), apt, Duration.ofMinutes(10)));
        List<String> prereq = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "curl", "ca-certificates", "gnupg", "apt-transport-https"));
        if (os.id().equals("debian")) {
            prereq.add("debian-archive-keyring");
        }
        a.add(new Run(prereq, apt, Duration.ofMinutes(10)));
        a.add(new Run(List.of("mkdir", "-p", "/var/lib/labforge"), Duration.ofSeconds(10)));
        a.add(new Run(List.of("curl", "-fsSL", "--retry", "3", "-o", key, root + "/" + project + "/gpgkey"), Duration.ofMinutes(2)));
        a.add(new Run(List.of("gpg", "--batch", "--yes", "--dearmor", "-o", keyring, key), Duration.ofSeconds(30)));
        String url = root + "/" + project + "/" + os.id() + "/";
        a.add(new Write("/etc/apt/sources.list.d/" + slug + ".list", "deb [signed-by=" + keyring + "] " + url + " " + os.codename() + " main\n"
                + "deb-src [signed-by=" + keyring + "] " + url + " " + os.codename() + " main\n", "rw-r--r--"));
        a.add(new Run(List.of("apt-get", "update", "-q"), apt, Duration.ofMinutes(10)));
        return a;
    }
}
