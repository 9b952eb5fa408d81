package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.devrig.cli.DevCli;
import io.labforge.devrig.labhosts.Cmd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands, run as written against the demo: {@code ./labforge demo --hosts dirs} (embedded PostgreSQL
 * and Kafka, the orchestrator, the README's lab on directory hosts) in a process of its own, then every
 * {@code ./labforge} line of the README's command blocks in a JVM of its own, as the script runs it, from the
 * checkout's root, with the token the demo printed. A line the directory demo cannot run (it needs Docker, a VM, a
 * swarm, or it is a long-running server or benchmark) must be listed in {@link #ELSEWHERE} with the test that runs it;
 * a new README line that is in neither fails this test.
 */
@Timeout(600)
class ReadmeDemoIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Lines not run against the directory demo, by their first words, with where they are run instead. */
    static final Map<String, String> ELSEWHERE = Map.ofEntries(
            Map.entry("demo", "this test runs the directory demo; the containers it starts otherwise are RealHostsIT's and ThreeHostLabIT's"),
            Map.entry("server", "a long-running server: OwnershipIT runs a second one"),
            Map.entry("soak", "the chaos tests themselves: OrchestratorCrashIT, AgentCrashIT, KillPointIT"),
            Map.entry("bench", "benchmarks print figures, they assert nothing"),
            Map.entry("lab up", "containers and VMs: RealHostsIT, VmDisksIT"),
            Map.entry("lab down", "containers: RealHostsIT"),
            Map.entry("lab reboot", "a VM: VmDisksIT"),
            Map.entry("hosts bootstrap", "SSH to real hosts: RealHostsIT"),
            Map.entry("hosts uninstall", "SSH to real hosts: RealHostsIT"),
            Map.entry("swarm", "a swarm on containers: SwarmIT"),
            Map.entry("kubernetes", "the Kubernetes stand-ins: KubernetesIT"));

    @Test
    void everyReadmeCommandWorksAsWrittenAgainstTheDemo(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        List<String> demoArgv = java(home, "demo", "--hosts", "dirs", "--port", Integer.toString(port), "--dir", dir.resolve("demo").toString());
        Process demo = new ProcessBuilder(demoArgv).directory(ROOT.toFile()).redirectErrorStream(true).start();
        StringBuilder demoOut = new StringBuilder();
        CompletableFuture<String[]> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Pattern token = Pattern.compile("export LABFORGE_TOKEN_FILE=(\\S+)");
            Pattern saga = Pattern.compile("\\./labforge status (\\S+) ;");
            String tokenFile = null;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    demoOut.append(l).append('\n');
                    Matcher t = token.matcher(l);
                    if (t.find()) {
                        tokenFile = t.group(1);
                    }
                    Matcher s = saga.matcher(l);
                    if (s.find()) {
                        ready.complete(new String[] {tokenFile, s.group(1)});
                    }
                }
            } catch (IOException e) {
                // the demo stopped
            }
            ready.completeExceptionally(new AssertionError("the demo ended before its API was up:\n" + demoOut));
        });
        reader.start();
        try {
            String[] printed = ready.get(300, TimeUnit.SECONDS);
            assertThat(demoOut).contains("SUCCEEDED");
            String tokenFile = printed[0];
            String token = Files.readString(Path.of(tokenFile)).strip();
            Map<String, String> env = Map.of("LABFORGE_TOKEN_FILE", tokenFile, "LABFORGE_URL", "http://localhost:" + port);

            SoftAssertions soft = new SoftAssertions();
            List<String> lines = io.labforge.devrig.cli.ReadmeCommandsTest.commands(Files.readString(ROOT.resolve("README.md")));
            int ran = 0;
            for (String line : lines) {
                String words = line.replaceFirst("^\\./labforge\\s+", "");
                String elsewhere = ELSEWHERE.keySet().stream().filter(k -> words.equals(k) || words.startsWith(k + " ")).findFirst().orElse(null);
                if (elsewhere != null) {
                    continue;
                }
                // SAGA: the latest saga that changed hosts (the demo's, then the README's own apply)
                for (List<String> args : runs(line, latestApply(port, token), dir)) {
                    Cmd.Result r = Cmd.run(java(home, args.toArray(String[]::new)), args.get(0).equals("secret") ? stdin(dir) : null, ROOT, env, 180);
                    ran++;
                    String shown = String.join(" ", args) + " (exit " + r.exit() + "):\n" + r.out();
                    if (args.get(0).equals("validate")) {
                        // the invalid example: every error listed with its line, and a failing exit
                        soft.assertThat(r.exit()).as(shown).isEqualTo(1);
                        soft.assertThat(r.out()).as(shown).contains("line ");
                    } else if (args.get(0).equals("resume")) {
                        // the demo's saga succeeded: resume refuses, saying why
                        soft.assertThat(r.out()).as(shown).contains("only a PAUSED saga can be resumed");
                    } else if (args.get(0).equals("pause")) {
                        // and so does pause
                        soft.assertThat(r.exit()).as(shown).isNotZero();
                        soft.assertThat(r.out()).as(shown).contains("only a RUNNING saga can be paused");
                    } else {
                        soft.assertThat(r.exit()).as(shown).isZero();
                    }
                }
            }
            soft.assertThat(ran).as("README lines run against the demo").isGreaterThanOrEqualTo(12);
            soft.assertAll();
        } finally {
            demo.destroy();
            if (!demo.waitFor(60, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    /** The runs of one README line: each alternative of {@code a|b|c}, its optional part with and without, placeholders filled. */
    static List<List<String>> runs(String line, String saga, Path dir) {
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
                    args.add(switch (w) {
                        case "SAGA", "ID" -> saga;
                        case "./siem" -> dir.resolve("siem").toString();
                        default -> w;
                    });
                }
                out.add(args);
            }
        }
        return out;
    }

    /** The id of the newest saga in apply mode. */
    private static String latestApply(int port, String token) throws IOException, InterruptedException {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + port + "/api/sagas?limit=50")).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        for (var s : io.labforge.common.messaging.Json.read(r.body())) {
            if (s.get("mode").asString().equals("APPLY")) {
                return s.get("id").asString();
            }
        }
        throw new AssertionError("no saga in apply mode: " + r.body());
    }

    /** A file holding what {@code secret set} reads from its standard input. */
    private static Path stdin(Path dir) throws IOException {
        Path f = dir.resolve("secret-input");
        Files.writeString(f, "s3cret-for-the-readme-test\n");
        return f;
    }

    /** The dev rig's command line ({@code ./labforge}) in a JVM of its own, with a home of its own. */
    private static List<String> java(Path home, String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"), DevCli.class.getName()));
        argv.addAll(List.of(args));
        return argv;
    }
}
