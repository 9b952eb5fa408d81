package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.signing.Keys;
import io.labforge.devrig.labhosts.Cmd;
import io.labforge.devrig.labhosts.LocalLab;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands, run as written against the demo ({@code ./labforge demo}: embedded PostgreSQL and Kafka, the
 * orchestrator, the README's lab applied) in a process of its own, each {@code ./labforge} line in a JVM of its own, as
 * the script runs it, from the checkout's root, with the token the demo printed. On directory hosts the lines that
 * need no host of their own; on container hosts (skipped, with the reason, without Docker and the lab-host image) the
 * lines that work on the hosts over SSH: {@code lab up}, {@code hosts bootstrap} (with the Kafka address the demo
 * printed as ADDRESS), {@code hosts status}, {@code hosts uninstall}, {@code lab down}. Which test runs which line:
 * {@link ReadmeLines#OWNERS}.
 */
@Timeout(900)
class ReadmeDemoIT {
    static final Path ROOT = ReadmeLines.ROOT;

    @Test
    void everyReadmeCommandWorksAsWrittenAgainstTheDirectoryDemo(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        try (Demo demo = Demo.start(dir, home, "dirs")) {
            SoftAssertions soft = new SoftAssertions();
            int ran = 0;
            for (String line : ReadmeLines.of(ReadmeLines.DIRECTORY_DEMO)) {
                // SAGA: the latest saga that changed hosts (the demo's, then the README's own apply)
                String saga = demo.latestApply();
                Map<String, String> fill = Map.of("SAGA", saga, "ID", saga, "./siem", dir.resolve("siem").toString());
                for (List<String> args : ReadmeLines.runs(line, fill)) {
                    Cmd.Result r = ReadmeLines.run(home, args, demo.env(), args.get(0).equals("secret") ? stdin(dir) : null, 180);
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
        }
    }

    @Test
    void theReadmeHostCommandsWorkAsWrittenAgainstTheContainerDemo(@TempDir Path dir) throws Exception {
        Lab lab = Features.PARSER.parse(Files.readString(ROOT.resolve("examples/local-lab.yaml")), "local-lab.yaml");
        Path home = dir.resolve("home");
        LocalLab local = new LocalLab(lab, home.resolve(".labforge"));
        Optional<String> missing = local.unavailable();
        missing.ifPresent(r -> System.out.println("SKIPPED ReadmeDemoIT on container hosts: " + r));
        Assumptions.assumeTrue(missing.isEmpty(), () -> "no container hosts here: " + missing.get());
        try (Demo demo = Demo.start(dir, home, "containers")) {
            assertThat(demo.kafka).as("the Kafka address the demo printed for more hosts").startsWith(local.gateway() + ":");
            // bootstrap gives the agents the keys of the orchestrator it registers them with, and refuses a --public-key of another
            Path foreign = Files.writeString(dir.resolve("other.pub"), Keys.encodePublic(Keys.generate().getPublic()) + "\n");
            Cmd.Result refused = ReadmeLines.run(home, List.of("hosts", "bootstrap", "examples/local-lab.yaml", "--kafka", demo.kafka,
                    "--public-key", foreign.toString()), demo.env(), null, 120);
            assertThat(refused.exit()).as(refused.out()).isNotZero();
            assertThat(refused.out()).contains("--public-key " + foreign + " is not the key of the orchestrator at");

            List<String> lines = ReadmeLines.of(ReadmeLines.CONTAINER_DEMO);
            Map<String, String> fill = Map.of("ADDRESS", demo.kafka);
            List<String> printed = new ArrayList<>();
            for (String line : lines) {
                printed.addAll(ReadmeLines.runLine(line, home, fill, demo.env()));
            }
            String all = String.join("\n", printed);
            // the demo installed the agents: bootstrap finds them as they are, each announced again and online
            assertThat(all).contains("node1", "node2", "node3").doesNotContain("FAILED");
            for (String host : lab.hostNames()) {
                assertThat(all).containsPattern("(?m)^" + host + " +online ");
                assertThat(all).containsPattern("(?m)^" + host + " +10\\.77\\.0\\.\\d+ +uninstalled ");
            }
            assertThat(all).contains("lab local is down");
            assertThat(Cmd.run(List.of("docker", "ps", "-a", "--filter", "label=io.labforge.lab=" + lab.name(), "--format", "{{.Names}}"), 30)
                    .out()).as("no container of the lab is left").isBlank();
        } finally {
            local.down();
        }
    }

    /** A file holding what {@code secret set} reads from its standard input. */
    private static Path stdin(Path dir) throws IOException {
        Path f = dir.resolve("secret-input");
        Files.writeString(f, "s3cret-for-the-readme-test\n");
        return f;
    }

    /** {@code ./labforge demo} in a process of its own, up to the moment it leaves its API to the reader. */
    static final class Demo implements AutoCloseable {
        final Process process;
        final int port;
        final Path tokenFile;
        final String kafka;
        final String token;

        private Demo(Process process, int port, Path tokenFile, String kafka) throws IOException {
            this.process = process;
            this.port = port;
            this.tokenFile = tokenFile;
            this.kafka = kafka;
            this.token = Files.readString(tokenFile).strip();
        }

        static Demo start(Path dir, Path home, String hosts) throws Exception {
            Files.createDirectories(home);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Process p = new ProcessBuilder(ReadmeLines.argv(home, List.of("demo", "--hosts", hosts, "--port", Integer.toString(port), "--dir",
                    dir.resolve("demo").toString()))).directory(ROOT.toFile()).redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                Map<String, Pattern> wanted = Map.of("token", Pattern.compile("export LABFORGE_TOKEN_FILE=(\\S+)"),
                        "kafka", Pattern.compile("Kafka \\(mutual TLS only\\) at ([^,\\s]+)"), "saga", Pattern.compile("\\./labforge status (\\S+) ;"));
                Map<String, String> found = new HashMap<>();
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = in.readLine(); l != null; l = in.readLine()) {
                        out.append(l).append('\n');
                        for (var w : wanted.entrySet()) {
                            Matcher m = w.getValue().matcher(l);
                            if (m.find()) {
                                found.put(w.getKey(), m.group(1));
                            }
                        }
                        if (found.containsKey("saga")) {
                            ready.complete(Map.copyOf(found));
                        }
                    }
                } catch (IOException e) {
                    // the demo stopped
                }
                ready.completeExceptionally(new AssertionError("the demo ended before its API was up:\n" + out));
            });
            reader.start();
            try {
                Map<String, String> printed = ready.get(300, TimeUnit.SECONDS);
                assertThat(out).contains("SUCCEEDED");
                return new Demo(p, port, Path.of(printed.get("token")), printed.get("kafka"));
            } catch (Exception | AssertionError e) {
                stop(p);
                throw e;
            }
        }

        Map<String, String> env() {
            return ReadmeLines.api("http://localhost:" + port, tokenFile);
        }

        /** The id of the newest saga in apply mode. */
        String latestApply() throws IOException, InterruptedException {
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

        @Override
        public void close() {
            stop(process);
        }

        private static void stop(Process p) {
            p.destroy();
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
