package io.labforge.common.worker;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.step.Output;
import io.labforge.common.step.StepEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one worker's commands (a host's agent, or a service such as cluster-service): refuses what is
 * not for this worker, unsigned, tampered, expired or of an unknown type; answers a command it already
 * ran from its journal; otherwise reports started, progress, then succeeded or failed. Kafka-free, so
 * the agent, the services and the benchmark's simulated hosts share it.
 */
public final class CommandProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(CommandProcessor.class);
    static final int MAX_PROGRESS_EVENTS = 200;

    private final String hostId;
    private final EnvelopeSigner identity;
    private final CommandVerifier verifier;
    private final Map<Class<?>, Executor<?>> executors = new HashMap<>();
    /** The commands this worker executes, by logical name: what it can decode. */
    private final MessageTypes commands;
    private static final MessageTypes EVENTS = MessageTypes.of(List.of(StepEvent.class.getPermittedSubclasses()));
    private final Journal journal;
    private final HostRoot root;
    private final Clock clock;
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final Duration startedAfter;
    private static final ScheduledExecutorService STARTED_TIMER =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "started-timer");
                t.setDaemon(true);
                return t;
            });

    /**
     * The agent's own sealing key (secret inputs are sealed to it) and the orchestrator's public one
     * (secret outputs are sealed to it; null: a step that produces a secret fails instead).
     */
    public record Secrets(Sealing.KeyPair own, String orchestratorKey) {
    }

    private final Secrets secrets;

    /**
     * {@code identity}: this worker's name (its host id, or a service's target name) and the key it signs
     * its events with; {@code verifier}: the orchestrator's key, which every command must be signed with;
     * {@code startedAfter}: a step still running after this long is reported as started (one that ends
     * sooner only by its end, which halves the events of quick steps).
     */
    public CommandProcessor(EnvelopeSigner identity, CommandVerifier verifier, List<Executor<?>> executors, Journal journal,
            HostRoot root, Clock clock, Duration startedAfter, Secrets secrets) {
        this.secrets = secrets;
        this.startedAfter = startedAfter;
        this.identity = identity;
        this.hostId = identity.name();
        this.verifier = verifier;
        executors.forEach(e -> this.executors.put(e.commandType(), e));
        this.commands = MessageTypes.of(this.executors.keySet());
        this.journal = journal;
        this.root = root;
        this.clock = clock;
    }

    public CommandProcessor(EnvelopeSigner identity, CommandVerifier verifier, List<Executor<?>> executors, Journal journal,
            HostRoot root, Clock clock) {
        this(identity, verifier, executors, journal, root, clock, Duration.ofMillis(200), null);
    }

    /** Signs a message of this worker's own (its presence) as it signs its events. */
    public Envelope sign(Envelope envelope) {
        return identity.sign(envelope);
    }

    /** The public half of this agent's sealing key, for its announcement (null when it has none). */
    public String sealingPublicKey() {
        return secrets == null ? null : secrets.own().publicKey();
    }

    /** A command's payload with its sealed values opened (they were sealed to this host, for this message). */
    private JsonNode openSecrets(Envelope cmd) {
        JsonNode payload = cmd.payload();
        Optional<String> withheld = Sealing.withheldReason(payload);
        if (withheld.isPresent()) {
            throw new ExecutorException(withheld.get(), true);
        }
        if (!Sealing.hasSealed(payload)) {
            return payload;
        }
        if (secrets == null) {
            throw ExecutorException.refused("the command holds sealed secrets and this agent has no sealing key");
        }
        try {
            return Sealing.openAll(payload, secrets.own(), cmd.messageId() + "|" + hostId);
        } catch (Sealing.SealingException e) {
            throw ExecutorException.refused(e.getMessage());
        }
    }

    /** The step's outputs with its secret ones sealed to the orchestrator: a secret never travels in clear. */
    private JsonNode sealOutputs(Envelope cmd, Outcome o) {
        if (o.secretOutputs().isEmpty()) {
            return o.outputs();
        }
        if (secrets == null || secrets.orchestratorKey() == null) {
            throw ExecutorException.refused("the step produced secret outputs " + o.secretOutputs() + " and this agent has no "
                    + "orchestrator sealing key (labforge.agent.orchestrator-sealing-key): it will not send them in clear");
        }
        ObjectNode marked = o.outputs().deepCopy();
        for (String name : o.secretOutputs()) {
            if (marked.has(name)) {
                marked.set(name, Json.object().set(Sealing.SECRET, marked.get(name)));
            }
        }
        return Sealing.sealMarked(marked, secrets.orchestratorKey(), cmd.messageId() + "|orchestrator");
    }


    public String hostId() {
        return hostId;
    }

    /** How many times each step really ran here (replays from the journal are not runs). */
    public int executions(String stepId) {
        AtomicInteger n = executions.get(stepId);
        return n == null ? 0 : n.get();
    }

    public void handle(Envelope cmd, Consumer<Envelope> emit) {
        if (refused(cmd, notAuthentic(cmd), emit)) {
            return;
        }
        // One entry per command message: a redelivery (or a replay) carries the same id; a retry, a
        // compensation or a plan gets a new one from the orchestrator, even for the same step and type.
        String key = cmd.messageId().toString();
        Optional<Journal.Entry> done = journal.find(key);
        if (done.isPresent()) {
            Object recorded = Json.convert(done.get().payload(), EVENTS.forName(done.get().eventType()).javaType());
            if (recorded instanceof StepEvent.Succeeded s) {
                recorded = new StepEvent.Succeeded(s.changed(), s.diff(), s.outputs(), s.secretOutputs(), true, 0);
            }
            LOG.info("command {} for step {} already ran: answering from the journal", cmd.messageId(), cmd.stepId());
            emit.accept(event(cmd, recorded));
            return;
        }
        // a command that already ran is answered from the journal even past its deadline (a redelivery
        // after an outage): only one that has not run is refused as expired
        if (refused(cmd, notRunnable(cmd), emit)) {
            return;
        }
        long t0 = System.nanoTime();
        Started started = new Started(cmd, emit);
        ScheduledFuture<?> timer = startedAfter.isZero() ? null
                : STARTED_TIMER.schedule(started::announce, startedAfter.toMillis(), TimeUnit.MILLISECONDS);
        if (timer == null) {
            started.announce();
        }
        AtomicInteger progressCount = new AtomicInteger();
        Consumer<String> progress = line -> {
            int n = progressCount.incrementAndGet();
            if (n <= MAX_PROGRESS_EVENTS) {
                started.announce();
                emit.accept(event(cmd, new StepEvent.Progress(n, line)));
            }
        };
        StepContext ctx = new StepContext(root, new ProcessRunner(), cmd.attempt(), progress);
        Object result;
        try {
            Object command = commands.decode(cmd.withPayload(openSecrets(cmd)));
            executions.computeIfAbsent(cmd.stepId(), k -> new AtomicInteger()).incrementAndGet();
            Outcome o = declared(command.getClass(), run(executors.get(command.getClass()), command, ctx, cmd.dryRun()));
            result = new StepEvent.Succeeded(o.changed(), o.diff(), sealOutputs(cmd, o), o.secretOutputs(), false, millis(t0));
        } catch (ExecutorException e) {
            result = new StepEvent.Failed(e.getMessage(), e.retryable(), millis(t0));
        } catch (IllegalArgumentException e) {
            result = new StepEvent.Failed("the command's payload is not valid: " + e.getMessage(), false, millis(t0));
        } catch (RuntimeException e) {
            LOG.error("step {} failed unexpectedly", cmd.stepId(), e);
            result = new StepEvent.Failed("unexpected error: " + e, true, millis(t0));
        }
        if (timer != null) {
            timer.cancel(false);
        }
        journal.record(key, MessageTypes.typeOf(result.getClass()).name(), Json.tree(result));
        started.end(event(cmd, result));
    }

    /**
     * The outcome as the command declares its outputs ({@link Output}): an output it does not declare is
     * an executor's bug, refused here rather than handed to steps that cannot name it; an output declared
     * secret is sealed even if the executor did not list it.
     */
    private static Outcome declared(Class<?> command, Outcome o) {
        List<Output<?, ?>> declared = Output.declaredBy(command);
        List<String> undeclared = new ArrayList<>();
        o.outputs().propertyNames().forEach(n -> {
            if (declared.stream().noneMatch(d -> d.name().equals(n))) {
                undeclared.add(n);
            }
        });
        if (!undeclared.isEmpty()) {
            throw new ExecutorException("the executor of " + command.getSimpleName() + " reported outputs its command does not declare: "
                    + undeclared, false);
        }
        Set<String> secret = new LinkedHashSet<>(o.secretOutputs());
        declared.stream().filter(d -> d.secret() && o.outputs().has(d.name())).forEach(d -> secret.add(d.name()));
        return new Outcome(o.changed(), o.diff(), o.outputs(), List.copyOf(secret));
    }

    /** Says "started" at most once, and never after the step's end. */
    private final class Started {
        private final Envelope cmd;
        private final Consumer<Envelope> emit;
        private boolean said;
        private boolean ended;

        Started(Envelope cmd, Consumer<Envelope> emit) {
            this.cmd = cmd;
            this.emit = emit;
        }

        synchronized void announce() {
            if (!said && !ended) {
                said = true;
                emit.accept(event(cmd, new StepEvent.Started(hostId)));
            }
        }

        synchronized void end(Envelope result) {
            ended = true;
            emit.accept(result);
        }
    }

    @SuppressWarnings("unchecked")
    private static <C> Outcome run(Executor<C> executor, Object command, StepContext ctx, boolean dryRun) {
        return dryRun ? executor.check((C) command, ctx) : executor.apply((C) command, ctx);
    }

    private boolean refused(Envelope cmd, Optional<StepEvent.CommandRejected> refusal, Consumer<Envelope> emit) {
        if (refusal.isEmpty()) {
            return false;
        }
        LOG.warn("refused command {} ({} for step {}): {}", cmd.messageId(), cmd.type(), cmd.stepId(), refusal.get().reason());
        emit.accept(event(cmd, refusal.get()));
        return true;
    }

    /** Refuses a command not signed by the orchestrator for this host. */
    private Optional<StepEvent.CommandRejected> notAuthentic(Envelope cmd) {
        if (!hostId.equals(cmd.target())) {
            return reject(StepEvent.Rejection.WRONG_TARGET, "this is host " + hostId + ", the command is for " + cmd.target());
        }
        if (cmd.signature() == null || cmd.signature().isBlank()) {
            return reject(StepEvent.Rejection.UNSIGNED, "the command is not signed");
        }
        if (!verifier.verify(cmd)) {
            return reject(StepEvent.Rejection.BAD_SIGNATURE,
                    "the signature does not match the orchestrator's key: the command was altered or signed by another key");
        }
        return Optional.empty();
    }

    /** Refuses an authentic command that cannot run now: past its deadline, or of a type this worker does not know. */
    private Optional<StepEvent.CommandRejected> notRunnable(Envelope cmd) {
        Instant now = clock.instant();
        if (cmd.deadline() != null && now.isAfter(cmd.deadline())) {
            return reject(StepEvent.Rejection.EXPIRED, "the command expired at " + cmd.deadline() + " (now " + now + ")");
        }
        if (commands.find(cmd.type()).isEmpty()) {
            return reject(StepEvent.Rejection.UNKNOWN_TYPE, "this agent has no executor for " + cmd.type());
        }
        return Optional.empty();
    }

    private static Optional<StepEvent.CommandRejected> reject(StepEvent.Rejection r, String reason) {
        return Optional.of(new StepEvent.CommandRejected(r, reason));
    }

    /** An event of this worker about {@code cmd}, signed with its identity. */
    private Envelope event(Envelope cmd, Object payload) {
        return identity.sign(Envelope.of(payload, cmd.labId(), cmd.sagaId(), cmd.stepId(), cmd.attempt(), hostId, cmd.messageId(),
                clock.instant(), null, cmd.dryRun()));
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
