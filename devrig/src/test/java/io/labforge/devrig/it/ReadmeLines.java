package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.devrig.cli.DevCli;
import io.labforge.devrig.cli.ReadmeCommandsTest;
import io.labforge.devrig.labhosts.Cmd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's {@code ./labforge} lines and who runs them as written: each line belongs to one integration test, by its
 * first words (the longest key of {@link #OWNERS} that matches; the directory demo's {@code ReadmeDemoIT} takes the
 * rest). The owner runs it in a JVM of its own, as the {@code ./labforge} script does, from the checkout's root, against
 * the orchestrator it started, and fails when it does not work; placeholders in capitals (SAGA, ADDRESS …) are filled with
 * that test's values. A new README line is thus run by someone: by the directory demo unless its first words say
 * otherwise.
 */
final class ReadmeLines {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String DIRECTORY_DEMO = "ReadmeDemoIT on directory hosts";
    static final String CONTAINER_DEMO = "ReadmeDemoIT on container hosts";
    /** Lines no test runs as written, with the reason (each starts so). */
    static final String NOT_RUN = "not run: ";

    /** The owner of the lines that start with each key; every other line is the directory demo's. */
    static final Map<String, String> OWNERS = Map.ofEntries(
            Map.entry("demo", NOT_RUN + "ReadmeDemoIT starts the demo itself (with --port and --dir of its own), on directories and on "
                    + "containers"),
            Map.entry("demo examples/swarm-lab.yaml", NOT_RUN + "its lab is SwarmIT's, applied through the API on the same containers"),
            Map.entry("demo examples/class-300.yaml", NOT_RUN + "300 hosts take about 2.5 minutes: run by hand for the README's figures, "
                    + "beyond CI's budget; FleetIT runs the fleet with six"),
            Map.entry("server", NOT_RUN + "a long-running server: OwnershipIT runs a second one"),
            Map.entry("soak", NOT_RUN + "the chaos tests themselves: OrchestratorCrashIT, AgentCrashIT, KillPointIT"),
            Map.entry("bench", NOT_RUN + "benchmarks print figures, they assert nothing"),
            Map.entry("lab up", CONTAINER_DEMO),
            Map.entry("lab down", CONTAINER_DEMO),
            Map.entry("hosts", CONTAINER_DEMO),
            Map.entry("lab up examples/vm-lab.yaml", "VmDisksIT"),
            Map.entry("lab reboot", "VmDisksIT"),
            Map.entry("swarm", "SwarmIT"),
            Map.entry("kubernetes", "KubernetesIT"));

    private ReadmeLines() {
    }

    /** Every {@code ./labforge} line of the README's command blocks, in its order. */
    static List<String> all() {
        try {
            return ReadmeCommandsTest.commands(Files.readString(ROOT.resolve("README.md")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Who runs a README line (see {@link #OWNERS}). */
    static String owner(String line) {
        String words = line.replaceFirst("\\s+#.*$", "").replaceFirst("^\\./labforge\\s+", "").strip();
        return OWNERS.keySet().stream().filter(k -> words.equals(k) || words.startsWith(k + " "))
                .max(Comparator.comparingInt(String::length)).map(OWNERS::get).orElse(DIRECTORY_DEMO);
    }

    /** The README lines {@code owner} runs, in the README's order; there must be some. */
    static List<String> of(String owner) {
        List<String> out = all().stream().filter(l -> owner(l).equals(owner)).toList();
        assertThat(out).as("README lines for " + owner).isNotEmpty();
        return out;
    }

    /**
     * The runs of one README line, as argument lists: each alternative of {@code a|b|c}, its optional part with and
     * without, placeholders ({@code fill}'s keys: SAGA, ADDRESS, ./siem …) replaced by the test's values.
     */
    static List<List<String>> runs(String line, Map<String, String> fill) {
        String s = line.replaceFirst("\\s+#.*$", "").replaceFirst("^\\./labforge\\s+", "");
        List<String> variants = new ArrayList<>();
        Matcher alt = Pattern.compile("(\\S+\\|\\S+)").matcher(s);
        if (alt.find()) {
            for (String a : alt.group(1).split("\\|")) {
                variants.add(s.substring(0, alt.start()) + a + s.substring(alt.end()));
            }
        } else {
            variants.add(s);
        }
        List<List<String>> out = new ArrayList<>();
        for (String v : variants) {
            Matcher opt = Pattern.compile("\\[([^\\]]*)\\]").matcher(v);
            List<String> forms = opt.find() ? List.of(v.substring(0, opt.start()) + opt.group(1) + v.substring(opt.end()),
                    v.substring(0, opt.start()) + v.substring(opt.end())) : List.of(v);
            for (String f : forms) {
                List<String> args = new ArrayList<>();
                for (String w : f.trim().split("\\s+")) {
                    args.add(fill.getOrDefault(w, w));
                }
                out.add(args);
            }
        }
        return out;
    }

    /** The environment that points the command line at an orchestrator: its URL and a file holding a token for it. */
    static Map<String, String> api(String url, Path tokenFile) {
        return Map.of("LABFORGE_URL", url, "LABFORGE_TOKEN_FILE", tokenFile.toString());
    }

    /** Runs {@code ./labforge ARGS} in a JVM of its own, from the checkout's root, with {@code userHome} as its home. */
    static Cmd.Result run(Path userHome, List<String> args, Map<String, String> env, Path stdin, long timeoutSeconds) {
        return Cmd.run(argv(userHome, args), stdin, ROOT, env, timeoutSeconds);
    }

    /** The command line of {@code ./labforge ARGS} in a JVM of its own (the test's class path), with {@code userHome} as its home. */
    static List<String> argv(Path userHome, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + userHome, "-cp", System.getProperty("java.class.path"), DevCli.class.getName()));
        argv.addAll(args);
        return argv;
    }

    /** Runs every form of every README line {@code owner} runs; each must exit 0. Returns what they printed, in order. */
    static List<String> runAll(String owner, Path userHome, Map<String, String> fill, Map<String, String> env) {
        List<String> printed = new ArrayList<>();
        for (String line : of(owner)) {
            printed.addAll(runLine(line, userHome, fill, env));
        }
        return printed;
    }

    /** Runs every form of one README line; each must exit 0. Returns what they printed. */
    static List<String> runLine(String line, Path userHome, Map<String, String> fill, Map<String, String> env) {
        List<String> printed = new ArrayList<>();
        for (List<String> args : runs(line, fill)) {
            Cmd.Result r = run(userHome, args, env, null, 600);
            System.out.println("README: ./labforge " + String.join(" ", args) + " (exit " + r.exit() + ")");
            assertThat(r.exit()).as("the README's " + line + "\n  run as ./labforge " + String.join(" ", args) + ":\n" + r.out()).isZero();
            printed.add(r.out());
        }
        return printed;
    }

    /** The one README line {@code owner} runs that starts with {@code words}. */
    static String line(String owner, String words) {
        List<String> found = of(owner).stream().filter(l -> l.startsWith("./labforge " + words)).toList();
        assertThat(found).as("the README's line ./labforge " + words + "…").hasSize(1);
        return found.get(0);
    }
}
