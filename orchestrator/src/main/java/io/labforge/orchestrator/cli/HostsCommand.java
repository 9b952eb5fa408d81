package io.labforge.orchestrator.cli;

import io.labforge.common.lab.Lab;
import io.labforge.common.messaging.Json;
import io.labforge.common.worker.Registration;
import io.labforge.orchestrator.bootstrap.AgentUninstall;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import io.labforge.orchestrator.bootstrap.HostDirectory;
import io.labforge.orchestrator.bootstrap.Rollout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code labforge hosts bootstrap}: the agent installed on every host of a lab, over SSH; {@code labforge hosts status}: how they stand. */
final class HostsCommand {
    private HostsCommand() {
    }

    @Command(name = "hosts", mixinStandardHelpOptions = true, description = "The lab's hosts.", subcommands = {Bootstrap.class, Status.class, Uninstall.class})
    public static final class HostsCmd {
    }

    @Command(name = "status", description = "Each host of the lab as the orchestrator knows it: online, offline (no heartbeat for "
            + "labforge.host-offline-after, 30s by default) or never seen; when it was last heard of, and its agent's version.")
    static final class Status implements Callable<Integer> {
        @Parameters(paramLabel = "LAB.yaml")
        Path file;
        @Option(names = "--url", defaultValue = "${env:LABFORGE_URL:-http://localhost:8080}")
        String url;

        @Override
        public Integer call() throws Exception {
            Lab lab = LabforgeCli.lab(file);
            String query = String.join("&", lab.hosts().stream().map(h -> "name=" + h.name()).toList());
            return print(new Api(url).get("/api/hosts?" + query), LabforgeCli.OUT) == 0 ? 0 : 1;
        }

        /** Prints the hosts as the API gave them, as a table whose columns line up; returns how many are not online. */
        static int print(tools.jackson.databind.JsonNode hosts, java.io.PrintStream out) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"HOST", "STATE", "LAST SEEN", "AGENT"});
            int notOnline = 0;
            for (var row : hosts) {
                String state = row.path("state").asString();
                notOnline += state.equals("online") ? 0 : 1;
                rows.add(new String[] {row.path("name").asString(), state, row.path("lastSeen").isString() ? row.path("lastSeen").asString() : "-",
                        row.path("agentVersion").isString() ? row.path("agentVersion").asString() : "-"});
            }
            int[] width = new int[3];
            rows.forEach(r -> {
                for (int i = 0; i < width.length; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            });
            for (String[] r : rows) {
                out.printf("%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s%n", (Object[]) r);
            }
            return notOnline;
        }
    }

    /** How to log in to a lab's hosts (bootstrap, uninstall): a password from the environment, the key given, or the local lab's key. */
    static final class SshLogin {
        @Option(names = "--key", description = "SSH private key (default: the local lab's key)")
        Path key;
        @Option(names = "--password-env", description = "name of an environment variable holding the SSH password")
        String passwordEnv;
        @Option(names = "--user", defaultValue = "root")
        String user;

        HostBootstrap.Login login(Lab lab, HostDirectory directory) {
            if (passwordEnv != null) {
                String pw = System.getenv(passwordEnv);
                if (pw == null) {
                    throw new CliError("environment variable " + passwordEnv + " is not set");
                }
                return new HostBootstrap.Login(user, null, pw.toCharArray());
            }
            Path k = key != null ? key : directory.defaultKey(lab).orElseThrow(() -> new CliError(
                    "give the SSH key with --key FILE (or a password with --password-env NAME)"));
            return new HostBootstrap.Login(user, k, null);
        }
    }

    @Command(name = "uninstall", description = "Stops and removes the agent from every host of the lab, over SSH (its unit, jar, "
            + "configuration, keys, journal and the steps' state under /var/lib/labforge), checks that nothing is left, and removes each "
            + "host's identity at the orchestrator (audited; needs an admin token). What the lab changed stays: compensate its sagas first.")
    static final class Uninstall implements Callable<Integer> {
        @Parameters(paramLabel = "LAB.yaml")
        Path file;
        @Mixin
        SshLogin ssh;
        @Option(names = "--url", defaultValue = "${env:LABFORGE_URL:-http://localhost:8080}")
        String url;

        private final HostDirectory directory = HostDirectory.find();

        @Override
        public Integer call() {
            Lab lab = LabforgeCli.lab(file);
            Api api = new Api(url);
            AgentUninstall b = new AgentUninstall(LabforgeCli.home().resolve("known_hosts"), ssh.login(lab, directory));
            int failed = 0;
            for (HostBootstrap.Outcome o : b.all(directory.targets(lab), (host, removed) -> {
                try {
                    api.delete("/api/workers/" + host + "?removed=" + java.net.URLEncoder.encode(removed, java.nio.charset.StandardCharsets.UTF_8));
                } catch (Api.ApiError e) {
                    if (e.status() != 404) {
                        throw e; // 404: no identity was registered for it, nothing to forget
                    }
                }
            })) {
                LabforgeCli.OUT.printf("%-10s %-15s %s %s%n", o.host(), o.address(), o.ok() ? "uninstalled" : "FAILED", o.detail());
                failed += o.ok() ? 0 : 1;
            }
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "bootstrap", description = "Installs and starts the agent on every host of the lab, over SSH, and registers "
            + "each agent's identity with the orchestrator (needs an admin token).")
    static final class Bootstrap implements Callable<Integer> {
        @Parameters(paramLabel = "LAB.yaml")
        Path file;
        @Option(names = "--kafka", required = true, description = "Kafka as the hosts reach it, e.g. 10.77.0.1:9092 (VMs: an address of this machine other than 127.0.0.1)")
        String kafka;
        @Mixin
        SshLogin ssh;
        @Option(names = "--public-key", description = "the orchestrator's public key file (its orchestrator.pub), to check that the "
                + "orchestrator at --url is the one meant (default: its keys as it serves them, GET /api/orchestrator/keys)")
        Path publicKey;
        @Option(names = "--agent-jar", description = "default: agent/target/labforge-agent-exec.jar")
        Path agentJar;
        @Option(names = "--url", defaultValue = "${env:LABFORGE_URL:-http://localhost:8080}",
                description = "the orchestrator, to wait until each agent announces itself")
        String url;
        @Option(names = "--no-wait", description = "do not wait for the agents to announce themselves")
        boolean noWait;
        @Option(names = "--max-upgrading", paramLabel = "N", description = "hosts whose running agent is replaced at a time "
                + "(default: a quarter of the lab's hosts, at least 1); each counts until its new agent announces itself, and the "
                + "first that fails stops the upgrade, leaving the rest on the agent they run")
        Integer maxUpgrading;
        @Spec
        CommandSpec spec;

        private final HostDirectory directory = HostDirectory.find();

        @Override
        public Integer call() throws Exception {
            Lab lab = LabforgeCli.lab(file);
            String pin = publicKey != null ? pinned(publicKey) : null;
            HostBootstrap.Login login = ssh.login(lab, directory);
            Path jar = agentJar != null ? agentJar : Path.of("agent", "target", "labforge-agent-exec.jar");
            Api api = new Api(url);
            // the agents trust the orchestrator they are registered with: its keys from the same API, wherever it keeps them
            var keys = api.get("/api/orchestrator/keys");
            String signing = keys.path("signing").asString();
            if (pin != null && !pin.equals(signing)) {
                throw new CliError("--public-key " + publicKey + " is not the key of the orchestrator at " + url + ": agents given it would "
                        + "refuse that orchestrator's commands; give its orchestrator.pub (in its state directory), or leave --public-key out");
            }
            // the key read through the pinned SSH session is the one the agent's events must be signed with
            HostBootstrap b = new HostBootstrap(jar, LabforgeCli.home().resolve("known_hosts"), login, kafka, signing, keys.path("sealing").asString(),
                    id -> Json.MAPPER.treeToValue(api.putJson("/api/workers/" + id.worker(), id.toJson()), Registration.class));
            int failed = 0;
            Instant started = Instant.now();
            List<String> installed = new ArrayList<>();
            List<HostBootstrap.Target> targets = directory.targets(lab);
            int atOnce = maxUpgrading != null ? maxUpgrading : Math.max(1, targets.size() / 4);
            if (atOnce < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-upgrading must be at least 1 (got " + atOnce + ")");
            }
            b = b.rolling(atOnce, noWait ? Rollout.UNWATCHED : (host, version, since, within) -> announcedAs(api, host, version, since, within));
            for (HostBootstrap.Outcome o : b.allTargets(targets)) {
                LabforgeCli.OUT.printf("%-10s %-15s %s %s%n", o.host(), o.address(), !o.ok() ? "FAILED"
                        : o.upgraded() ? "upgraded" : o.changed() ? "installed" : "ok", o.detail());
                failed += o.ok() ? 0 : 1;
                if (o.ok()) {
                    installed.add(o.host());
                }
            }
            if (!noWait && !installed.isEmpty()) {
                failed += awaitAnnouncements(api, installed, started);
            }
            return failed == 0 ? 0 : 1;
        }

        /** The key in the file {@code --public-key} names. */
        private static String pinned(Path file) {
            try {
                return Files.readString(file).strip();
            } catch (java.io.IOException e) {
                throw new CliError("--public-key " + file + ": cannot read it (" + e.getMessage() + "); give the orchestrator's orchestrator.pub, "
                        + "or leave --public-key out");
            }
        }

        /** Whether the agent of {@code host} announced itself as {@code version} since {@code since}, waiting up to {@code within}. */
        static boolean announcedAs(Api api, String host, String version, Instant since, java.time.Duration within) throws InterruptedException {
            long deadline = System.currentTimeMillis() + within.toMillis();
            while (System.currentTimeMillis() < deadline) {
                for (var row : api.get("/api/hosts?name=" + host)) {
                    var at = row.path("lastSeen");
                    if (version.equals(row.path("agentVersion").asString(null)) && at.isString()
                            && !Instant.parse(at.asString()).isBefore(since.minusSeconds(1))) {
                        LabforgeCli.OUT.println(host + ": agent " + version + " announced itself");
                        return true;
                    }
                }
                Thread.sleep(500);
            }
            return false;
        }

        /** Waits (up to two minutes) until each agent has announced itself since {@code since}. */
        static int awaitAnnouncements(Api api, List<String> hosts, Instant since) throws InterruptedException {
            String query = String.join("&", hosts.stream().map(h -> "name=" + h).toList());
            long deadline = System.currentTimeMillis() + 120_000;
            Set<String> seen = new HashSet<>();
            while (System.currentTimeMillis() < deadline) {
                for (var row : api.get("/api/hosts?" + query)) {
                    var at = row.path("lastSeen");
                    if (at.isString() && !Instant.parse(at.asString()).isBefore(since.minusSeconds(1))
                            && seen.add(row.get("name").asString())) {
                        LabforgeCli.OUT.println(row.get("name").asString() + ": agent announced itself");
                    }
                }
                if (seen.size() == hosts.size()) {
                    return 0;
                }
                Thread.sleep(500);
            }
            hosts.stream().filter(h -> !seen.contains(h)).forEach(h -> LabforgeCli.OUT.println(h
                    + ": the agent did not announce itself within 120s: journalctl -u labforge-agent on the host"));
            return hosts.size() - seen.size();
        }
    }
}
