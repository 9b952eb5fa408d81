package io.labforge.orchestrator.cli;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.command.GitlabCommand;
import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabError;
import io.labforge.common.lab.LabFiles;
import io.labforge.common.lab.LabParser;
import io.labforge.common.lab.LabValidationException;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.planner.FeatureStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** {@code labforge}: the command line. Talks to the orchestrator's REST API, or starts one. */
@Command(name = "labforge", mixinStandardHelpOptions = true, version = "labforge 0.1.0",
        description = "Provisions a lab of hosts from one YAML file, as a saga, with an audit log.",
        subcommands = {LabforgeCli.Validate.class, LabforgeCli.Apply.class, LabforgeCli.PlanCmd.class,
                LabforgeCli.Status.class, LabforgeCli.Report.class, PauseCommand.class, LabforgeCli.Resume.class, LabforgeCli.Compensate.class, LabforgeCli.Audit.class,
                ServerCommand.class, SecretCommand.class, TokenCommand.class, WorkersCommand.class, AuditorsCommand.class, BusCommand.class, HostsCommand.HostsCmd.class, LabforgeCli.SwarmCmd.class,
                LabforgeCli.KubernetesCmd.class})
public class LabforgeCli {
    public static final PrintStream OUT = System.out;
    /** Step targets that are Labforge's services (its own steps, cluster-service, gitlab-service), not hosts of a lab. */
    public static final Set<String> SERVICE_TARGETS = Set.of(OrchestratorCommand.TARGET, ClusterCommand.TARGET, GitlabCommand.TARGET);

    public static void main(String[] args) {
        run(commandLine(), args);
    }

    /** The command line, to which the development rig adds its own commands (demo, lab). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LabforgeCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliError) {
                System.err.println("labforge: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    /** Runs it and exits with its code, unless it started the server (which goes on). */
    public static void run(CommandLine cli, String[] args) {
        int code = cli.execute(args);
        if (code != 0 || !isServer(args)) {
            System.exit(code);
        }
    }

    /** Where the command line keeps its state: known hosts, secrets, local labs. */
    public static Path home() {
        return Path.of(System.getProperty("user.home"), ".labforge");
    }

    /** A lab file, read and validated; an invalid one is an error listing every problem. */
    public static Lab lab(Path file) {
        try {
            return Features.PARSER.parse(read(file), file.toString());
        } catch (LabValidationException e) {
            throw new CliError(e.getMessage());
        }
    }

    private static boolean isServer(String[] args) {
        return args.length > 0 && args[0].equals("server");
    }

    /** The orchestrator to talk to. */
    static class Remote {
        @Option(names = "--url", defaultValue = "${env:LABFORGE_URL:-http://localhost:8080}",
                description = "the orchestrator's URL (default: $LABFORGE_URL or http://localhost:8080)")
        String url;

        Api api() {
            return new Api(url);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliError("cannot read " + file + ": " + e.getMessage());
        }
    }

    @Command(name = "validate", description = "Checks a lab file and lists every error, with its line and a fix.")
    static class Validate implements Callable<Integer> {
        @Parameters(paramLabel = "LAB.yaml")
        Path file;

        @Override
        public Integer call() {
            String yaml = read(file);
            LabParser.Result r = Features.PARSER.read(yaml, files(file, yaml));
            if (r.ok()) {
                OUT.println(file + ": valid — " + r.lab().hosts().size() + " hosts, "
                        + Planners.all().plan(r.lab()).steps().size() + " steps");
                return 0;
            }
            OUT.println(file + ": " + r.errors().size() + " error(s)");
            for (LabError e : r.errors()) {
                OUT.println("  " + e);
            }
            return 1;
        }
    }

    @Command(name = "apply", description = "Applies a lab and shows per-host progress until it finishes or pauses.")
    static class Apply implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(paramLabel = "LAB.yaml")
        Path file;
        @Option(names = "--no-wait", description = "print the saga id and return at once")
        boolean noWait;

        @Override
        public Integer call() {
            return submit(remote.api(), file, "apply", noWait);
        }
    }

    @Command(name = "plan", description = "Checks the hosts against a lab and prints what apply would change, per host.")
    static class PlanCmd implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(paramLabel = "LAB.yaml")
        Path file;

        @Override
        public Integer call() {
            return submit(remote.api(), file, "plan", false);
        }
    }

    static int submit(Api api, Path file, String mode, boolean noWait) {
        String yaml = read(file);
        Map<String, String> files = files(file, yaml);
        JsonNode saga = files.isEmpty() ? api.post("/api/sagas?mode=" + mode, yaml)
                : api.postJson("/api/sagas?mode=" + mode, Map.of("lab", yaml, "files", files));
        String id = saga.get("id").asString();
        OUT.println(mode + " " + file + ": saga " + id + " (" + saga.get("steps").size() + " steps on "
                + saga.get("hosts").size() + " hosts)");
        if (noWait) {
            return 0;
        }
        JsonNode last = new Progress(api, OUT).follow(id);
        return last.get("status").asString().equals("SUCCEEDED") ? 0 : 1;
    }

    /** The files the lab names beside it (its stacks' directories), which travel with it. */
    public static Map<String, String> files(Path file, String yaml) {
        try {
            return LabFiles.collect(file, Features.PARSER.read(yaml));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliError(file + ": " + e.getMessage());
        }
    }

    /** Asks the orchestrator to act on a saga, then follows it; exit code 0 when it ends as hoped. */
    static int actAndFollow(Api api, String saga, String action, String hoped) {
        return actAndFollow(api, saga, action, end -> end.get("status").asString().equals(hoped));
    }

    /** As above, {@code hoped} judging the saga as it stopped. */
    static int actAndFollow(Api api, String saga, String action, java.util.function.Predicate<JsonNode> hoped) {
        api.post("/api/sagas/" + saga + "/" + action, null);
        return hoped.test(new Progress(api, OUT).follow(saga)) ? 0 : 1;
    }

    @Command(name = "swarm", mixinStandardHelpOptions = true, description = "The lab's Docker Swarm.", subcommands = {Scale.class, SwarmStatus.class})
    static class SwarmCmd {
    }

    /** {@code labforge <feature> status LAB}: the feature's cluster as it is now ({@link #printStatus}). */
    abstract static class FeatureStatusCommand implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(index = "0", paramLabel = "LAB", description = "the lab's name")
        String lab;

        abstract String feature();

        @Override
        public Integer call() throws InterruptedException {
            return printStatus(remote.api(), lab, Planners.status(feature()));
        }
    }

    @Command(name = "status", description = "The swarm as its manager sees it: nodes and services (running/desired).")
    static class SwarmStatus extends FeatureStatusCommand {
        @Override
        String feature() {
            return "swarm";
        }
    }

    @Command(name = "kubernetes", mixinStandardHelpOptions = true, description = "The lab's Kubernetes cluster.",
            subcommands = {KubernetesStatus.class})
    static class KubernetesCmd {
    }

    @Command(name = "status", description = "The cluster as its API says it is: nodes, then workloads (ready/desired).")
    static class KubernetesStatus extends FeatureStatusCommand {
        @Override
        String feature() {
            return "kubernetes";
        }
    }

    /** Reads a feature's cluster of a lab through cluster-service (a read-only saga) and prints its table. */
    static int printStatus(Api api, String lab, FeatureStatus feature) throws InterruptedException {
        String id = api.post("/api/labs/" + URLEncoder.encode(lab, StandardCharsets.UTF_8) + "/" + feature.name() + "/status", null)
                .get("id").asString();
        JsonNode saga = api.get("/api/sagas/" + id);
        for (int i = 0; i < 120 && saga.get("status").asString().equals("RUNNING"); i++) {
            Thread.sleep(500);
            saga = api.get("/api/sagas/" + id);
        }
        JsonNode step = saga.get("steps").get(0);
        if (!saga.get("status").asString().equals("SUCCEEDED")) {
            OUT.println("the " + feature.name() + " cluster could not be read: " + step.path("error").asString(saga.get("status").asString()));
            return 1;
        }
        OUT.print(feature.table(step.get("outputs")));
        return 0;
    }

    @Command(name = "scale", description = "Sets a service's replicas (a saga of one step: audited, and compensate scales back).")
    static class Scale implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(index = "0", paramLabel = "LAB", description = "the lab's name (its file's name: field)")
        String lab;
        @Parameters(index = "1", paramLabel = "SERVICE")
        String service;
        @Parameters(index = "2", paramLabel = "REPLICAS")
        int replicas;

        @Override
        public Integer call() {
            Api api = remote.api();
            JsonNode saga = api.post("/api/labs/" + URLEncoder.encode(lab, StandardCharsets.UTF_8)
                    + "/services/" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                    + "/scale?replicas=" + replicas, null);
            String id = saga.get("id").asString();
            OUT.println("scale " + service + " of lab " + lab + " to " + replicas + ": saga " + id);
            return new Progress(api, OUT).follow(id).get("status").asString().equals("SUCCEEDED") ? 0 : 1;
        }
    }

    @Command(name = "status", description = "Shows a saga (steps, hosts), or lists the latest sagas.")
    static class Status implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(paramLabel = "SAGA", arity = "0..1")
        String saga;

        @Override
        public Integer call() {
            if (saga == null) {
                for (JsonNode s : remote.api().get("/api/sagas")) {
                    OUT.printf("%s  %-12s %-6s %-13s %s%n", s.get("id").asString(), s.get("labId").asString(),
                            s.get("mode").asString(), s.get("status").asString(), s.get("createdAt").asString());
                }
                return 0;
            }
            JsonNode s = remote.api().get("/api/sagas/" + saga);
            String format = "%-" + Progress.width(s.get("steps"), "target") + "s %-" + Progress.width(s.get("steps"), "id") + "s %-20s %s%n";
            for (JsonNode step : s.get("steps")) {
                OUT.printf(format, step.get("target").asString(), step.get("id").asString(),
                        step.get("state").asString(), step.path("error").isString() ? step.get("error").asString() : "");
            }
            new Progress(remote.api(), OUT).summary(s);
            if (!s.get("status").asString().equals("SUCCEEDED")) {
                return 0;
            }
            for (FeatureStatus f : Planners.statuses()) {
                boolean built = false;
                for (JsonNode step : s.get("steps")) {
                    built |= f.builtBy(step.get("id").asString());
                }
                if (built) {
                    OUT.println("\nthe " + f.name() + " cluster of lab " + s.get("labId").asString() + " now:");
                    try {
                        printStatus(remote.api(), s.get("labId").asString(), f);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "resume", description = "Runs the failed steps of a paused saga again, then the rest.")
    static class Resume implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(paramLabel = "SAGA")
        String saga;
        @Option(names = "--host", paramLabel = "HOST", description = "only this host's failed steps (repeatable); the others wait, and the"
                + " saga pauses again for them")
        List<String> hosts = List.of();

        @Override
        public Integer call() {
            if (hosts.isEmpty()) {
                return actAndFollow(remote.api(), saga, "resume", "SUCCEEDED");
            }
            String only = String.join("&", hosts.stream().map(h -> "host=" + URLEncoder.encode(h, StandardCharsets.UTF_8)).toList());
            return actAndFollow(remote.api(), saga, "resume?" + only, this::noFailedStepOnTheHosts);
        }

        /** Done when the hosts named have no failed step left, whatever waits on the others. */
        boolean noFailedStepOnTheHosts(JsonNode end) {
            for (JsonNode st : end.get("steps")) {
                if (hosts.contains(st.get("target").asString()) && st.get("state").asString().equals("FAILED")) {
                    return false;
                }
            }
            return true;
        }
    }

    @Command(name = "compensate", description = "Undoes what a saga did, in reverse dependency order.")
    static class Compensate implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(paramLabel = "SAGA")
        String saga;
        @Option(names = "--force", description = "also when later sagas changed the same hosts: undoes their changes under them (audited)")
        boolean force;

        @Override
        public Integer call() {
            return actAndFollow(remote.api(), saga, force ? "compensate?force=true" : "compensate", "COMPENSATED");
        }
    }

    @Command(name = "audit", description = "The audit log: list, export (JSON lines) or verify the hash chain.")
    static class Audit implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(paramLabel = "list|export|verify", defaultValue = "list")
        String action;
        @Option(names = "--saga", description = "only this saga's rows")
        String saga;
        @Option(names = "--format", defaultValue = "rows", description = "export: rows (the log's own JSON lines, default) or"
                + " cloudevents (each row a CloudEvent 1.0, JSON event format)")
        String format;

        @Override
        public Integer call() {
            String q = saga == null ? "" : "sagaId=" + saga;
            switch (action) {
                case "list" -> {
                    for (JsonNode a : remote.api().get("/api/audit?limit=5000&" + q)) {
                        OUT.printf("%6d %s %-14s %-24s %-26s %s%n", a.get("seq").asLong(), a.get("at").asString(),
                                a.get("actor").asString(), a.get("action").asString(),
                                a.path("stepId").isString() ? a.get("stepId").asString() : "", Json.write(a.get("detail")));
                    }
                    return 0;
                }
                case "export" -> {
                    OUT.print(remote.api().getText("/api/audit/export?format=" + format + (q.isEmpty() ? "" : "&" + q)));
                    return 0;
                }
                case "verify" -> {
                    JsonNode v = remote.api().get("/api/audit/verify");
                    OUT.println(v.get("ok").asBoolean() ? "audit log intact: " + v.get("rows").asLong() + " rows, chain verified, "
                            + v.get("seals").asLong() + " orchestrator seals verified, every success answers one dispatch"
                            : "audit log TAMPERED: " + v.get("problem").asString());
                    return v.get("ok").asBoolean() ? 0 : 1;
                }
                default -> throw new CliError("audit takes list, export or verify, not '" + action + "'");
            }
        }
    }

    @Command(name = "report", description = "The lab report of a saga (Markdown), from its audit log.")
    static class Report implements Callable<Integer> {
        @CommandLine.Mixin
        Remote remote;
        @Parameters(paramLabel = "SAGA")
        String saga;

        @Override
        public Integer call() {
            OUT.print(remote.api().getText("/api/sagas/" + saga + "/report"));
            return 0;
        }
    }
}
