package io.labforge.orchestrator.runtime;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabError;
import io.labforge.common.lab.LabParser;
import io.labforge.common.lab.LabValidationException;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.common.messaging.Topics;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.CommandSigner;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.persistence.SagaRepository.OutboxRow;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.Planner;
import io.labforge.orchestrator.saga.Effect;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaEngine;
import io.labforge.orchestrator.saga.SagaStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The saga owner. Every change to a saga — a submission, a batch of worker events, a timer tick, a
 * resume — runs on one thread, against the in-memory saga, and is persisted in one transaction with
 * its outbox rows and audit rows. If that transaction fails, the in-memory copy is dropped and
 * reloaded from PostgreSQL on next use.
 */
public final class SagaCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SagaCoordinator.class);
    public static final String SYSTEM = "orchestrator";

    private final SagaRepository repo;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final CommandSigner signer;
    private final SagaEngine engine;
    private final Clock clock;
    /** Takes the outbox rows of a transaction once it has committed (the relay sends them at once). */
    private final java.util.function.Consumer<List<OutboxRow>> outboxHandOver;
    /** The outbox rows of the transaction being built, per saga; handed over after its commit. */
    private final Map<SagaId, List<OutboxRow>> pendingOutbox = new HashMap<>();
    private final ProgressBus bus;
    private final Planner planner = new Planner();
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "saga-loop"));
    private final Map<SagaId, Saga> live = new HashMap<>();
    private final io.labforge.orchestrator.local.LocalSteps localSteps;
    private final Sealing.KeyPair sealing;
    /** The orchestrator's own steps dispatched in the transaction being built; run once it commits. */
    private final List<Envelope> localDispatches = new ArrayList<>();
    private final ExecutorService localWorker = Executors.newSingleThreadExecutor(r -> new Thread(r, "local-steps"));

    public SagaCoordinator(SagaRepository repo, AuditLog audit, TransactionTemplate tx, CommandSigner signer,
            SagaEngine engine, Clock clock, java.util.function.Consumer<List<OutboxRow>> outboxHandOver, ProgressBus bus,
            io.labforge.orchestrator.local.LocalSteps localSteps, Sealing.KeyPair sealing) {
        this.sealing = sealing;
        this.localSteps = localSteps;
        this.repo = repo;
        this.audit = audit;
        this.tx = tx;
        this.signer = signer;
        this.engine = engine;
        this.clock = clock;
        this.outboxHandOver = outboxHandOver;
        this.bus = bus;
    }

    /** Loads the sagas that were running when the last orchestrator stopped. */
    public int recover() {
        return call(() -> {
            int n = 0;
            for (SagaId id : repo.active()) {
                repo.load(id).ifPresent(s -> live.put(id, s));
                n++;
            }
            if (n > 0) {
                LOG.info("recovered {} active saga(s) from PostgreSQL", n);
            }
            return n;
        });
    }

    /**
     * Validates a lab file and starts applying (or planning) it. An invalid lab changes nothing: the
     * rejection, with every error, is the only thing written (to the audit log).
     */
    public SagaId submit(String source, Saga.Mode mode, String actor) {
        return submit(source, java.util.Map.of(), mode, actor);
    }

    /**
     * The same, with the files the lab names beside it ({@code files}: path relative to the lab file →
     * content; a stack's directory), which the stacks' steps carry to the hosts.
     */
    public SagaId submit(String source, java.util.Map<String, String> files, Saga.Mode mode, String actor) {
        LabParser.Result parsed = LabParser.read(source, files == null ? java.util.Map.of() : files);
        if (!parsed.ok()) {
            call(() -> tx.execute(t -> {
                ObjectNode detail = Json.object().put("mode", mode.name());
                detail.set("errors", Json.tree(parsed.errors().stream().map(LabError::toString).toList()));
                audit.append(List.of(new AuditLog.Record(actor, "lab.rejected", null, null, null, null, detail)), clock.instant());
                return null;
            }));
            throw new LabValidationException("the lab", parsed.errors());
        }
        Lab lab = parsed.lab();
        return submitPlan(LabId.of(lab.name()), source, planner.plan(lab), lab.onFailure(), mode, actor);
    }

    /** Starts a saga for a plan made elsewhere (the benchmark's generated labs). */
    public SagaId submitPlan(LabId lab, String source, Plan plan, Lab.FailurePolicy policy, Saga.Mode mode, String actor) {
        SagaId id = SagaId.random();
        return call(() -> {
            Saga saga = Saga.create(id, lab.value(), mode, policy, plan);
            List<Effect> effects = engine.start(saga, clock.instant());
            try {
                tx.execute(t -> {
                    repo.insertLab(lab.value(), lab.value(), source, mode == Saga.Mode.APPLY);
                    repo.insertSaga(saga, actor);
                    persist(saga, effects, actor);
                    return null;
                });
            } catch (RuntimeException e) {
                localDispatches.clear();
                pendingOutbox.clear();
                throw e;
            }
            live.put(id, saga);
            afterCommit(saga, effects);
            return id;
        });
    }

    /** Scales a service of a lab submitted before, as a saga of one step (audited, compensable). */
    public SagaId scale(String labId, String service, int replicas, String actor) {
        String source = repo.labSource(labId).orElseThrow(() -> new SagaNotFound("lab " + labId));
        Lab lab = LabParser.parse(source, labId);
        return submitPlan(LabId.of(lab.name()), source, planner.scale(lab, service, replicas), Lab.FailurePolicy.PAUSE,
                Saga.Mode.APPLY, actor);
    }

    /** Describes the swarm of a lab applied before: a read-only (plan mode) saga of one step. */
    public SagaId describeSwarm(String labId, String actor) {
        String source = repo.labSource(labId).orElseThrow(() -> new SagaNotFound("lab " + labId));
        Lab lab = LabParser.parse(source, labId);
        return submitPlan(LabId.of(lab.name()), source, planner.describeSwarm(lab), Lab.FailurePolicy.PAUSE, Saga.Mode.PLAN, actor);
    }

    public void resume(SagaId id, String actor) {
        change(id, actor, s -> engine.resume(s, clock.instant()));
    }

    public void compensate(SagaId id, String actor) {
        change(id, actor, s -> engine.compensate(s, clock.instant()));
    }

    private void change(SagaId id, String actor, java.util.function.Function<Saga, List<Effect>> action) {
        call(() -> {
            Saga saga = saga(id).orElseThrow(() -> new SagaNotFound(id.toString()));
            List<Effect> effects = action.apply(saga);
            commit(List.of(saga), Map.of(saga.id(), effects), actor);
            return null;
        });
    }

    /** Takes a batch of worker events (duplicates are dropped by the inbox) in one transaction. */
    public void onEvents(List<Envelope> events) {
        if (events.isEmpty()) {
            return;
        }
        call(() -> {
            Instant now = clock.instant();
            Map<SagaId, List<Effect>> effects = new LinkedHashMap<>();
            Map<SagaId, Saga> touched = new LinkedHashMap<>();
            try {
                tx.execute(t -> {
                    boolean[] fresh = repo.firstDeliveries(events.stream().map(Envelope::messageId).toList());
                    for (int i = 0; i < events.size(); i++) {
                        Envelope e = events.get(i);
                        if (!fresh[i] || e.sagaId() == null || e.stepId() == null) {
                            continue;
                        }
                        Optional<StepEvent> event = decode(e);
                        if (event.isEmpty()) {
                            continue;
                        }
                        SagaId sid;
                        try {
                            sid = SagaId.parse(e.sagaId());
                        } catch (IllegalArgumentException ex) {
                            continue;
                        }
                        Optional<Saga> saga = saga(sid);
                        if (saga.isEmpty()) {
                            continue;
                        }
                        touched.put(sid, saga.get());
                        effects.computeIfAbsent(sid, k -> new ArrayList<>()).addAll(engine.onEvent(saga.get(),
                                new SagaEngine.Incoming(StepId.of(e.stepId()), e.causationId(), openOutputs(e, event.get())), now));
                    }
                    for (Saga s : touched.values()) {
                        persist(s, effects.getOrDefault(s.id(), List.of()), SYSTEM);
                    }
                    return null;
                });
            } catch (RuntimeException ex) {
                localDispatches.clear();
                pendingOutbox.clear();
                touched.keySet().forEach(live::remove);
                throw ex;
            }
            touched.values().forEach(s -> afterCommit(s, effects.getOrDefault(s.id(), List.of())));
            return null;
        });
    }

    /** Forgets processed event ids older than a week (a redelivery after that long is not expected). */
    public void pruneInbox() {
        call(() -> {
            repo.pruneInbox(clock.instant().minus(java.time.Duration.ofDays(7)));
            return null;
        });
    }

    /** Times out overdue steps and sends due retries, for every live saga that needs it. */
    public void tick() {
        call(() -> {
            Instant now = clock.instant();
            for (Saga s : new ArrayList<>(live.values())) {
                Instant wake = s.nextWakeUp();
                if (wake != null && !now.isBefore(wake) || s.takeMoreToDispatch()) {
                    commit(List.of(s), Map.of(s.id(), engine.tick(s, now)), SYSTEM);
                }
            }
            return null;
        });
    }

    /** Records an agent's announcement or heartbeat. */
    public void onPresence(String host, JsonNode facts, String version, boolean announce) {
        call(() -> tx.execute(t -> {
            Instant now = clock.instant();
            repo.recordPresence(host, facts, version, now, announce);
            if (announce) {
                ObjectNode detail = Json.object().put("agentVersion", version);
                detail.set("facts", facts);
                audit.append(List.of(new AuditLog.Record("agent:" + host, "host.announced", null, null, null, host, detail)), now);
            }
            return null;
        }));
    }

    public Optional<Saga> snapshot(SagaId id) {
        return call(() -> saga(id));
    }

    private Optional<Saga> saga(SagaId id) {
        Saga s = live.get(id);
        if (s != null) {
            return Optional.of(s);
        }
        Optional<Saga> loaded = repo.load(id);
        loaded.filter(x -> !x.status().isFinal()).ifPresent(x -> live.put(id, x));
        return loaded;
    }

    private void commit(List<Saga> sagas, Map<SagaId, List<Effect>> effects, String actor) {
        try {
            tx.execute(t -> {
                for (Saga s : sagas) {
                    persist(s, effects.getOrDefault(s.id(), List.of()), actor);
                }
                return null;
            });
        } catch (RuntimeException e) {
            localDispatches.clear();
            pendingOutbox.clear();
            sagas.forEach(s -> live.remove(s.id()));
            throw e;
        }
        sagas.forEach(s -> afterCommit(s, effects.getOrDefault(s.id(), List.of())));
    }

    private void persist(Saga saga, List<Effect> effects, String actor) {
        Instant now = clock.instant();
        repo.saveChanges(saga);
        List<OutboxRow> outbox = new ArrayList<>();
        List<AuditLog.Record> rows = new ArrayList<>();
        for (Effect e : effects) {
            if (e instanceof Effect.Dispatch d) {
                String topic = Topics.commandTopicFor(d.commandType());
                JsonNode payload = d.payload();
                if (Sealing.hasSecrets(payload)) {
                    payload = topic == null ? Sealing.unmark(payload) : sealFor(d.target(), d.messageId(), payload);
                }
                Envelope env = new Envelope(d.messageId(), d.commandType(), MessageTypes.forName(d.commandType()).version(),
                        saga.labId(), saga.id().toString(), d.step().value(), d.attempt(), d.target(), null, now,
                        d.deadline(), d.dryRun(), payload, null);
                if (topic == null) {
                    localDispatches.add(env);
                } else {
                    outbox.add(new OutboxRow(0, topic, d.target(), d.messageId(), signer.sign(env).toBytes()));
                }
            } else if (e instanceof Effect.Audit a) {
                rows.add(new AuditLog.Record(actor, a.action(), saga.labId(), saga.id().value(),
                        a.step() == null ? null : a.step().value(), a.target(), a.detail()));
            }
        }
        repo.enqueue(outbox);
        pendingOutbox.computeIfAbsent(saga.id(), k -> new ArrayList<>()).addAll(outbox);
        audit.append(rows, now);
    }

    /**
     * Seals the secret values of a command to its reader's key (announced by its agent), bound to this
     * message: the outbox and Kafka never hold them in clear. An agent whose key is not known yet gets
     * the reason instead, and its step fails in a way a retry can mend.
     */
    private JsonNode sealFor(String target, java.util.UUID messageId, JsonNode payload) {
        Optional<String> key = repo.sealingKeyOf(target);
        if (key.isEmpty()) {
            LOG.warn("no sealing key known for {}: its secret inputs are withheld", target);
            return Sealing.withhold(payload, "the orchestrator knows no sealing key for " + target
                    + " (its agent has not announced one): secret inputs withheld; a retry after the agent announces itself will have them");
        }
        return Sealing.sealMarked(payload, key.get(), messageId + "|" + target);
    }

    /** An event whose secret outputs the agent sealed to this orchestrator, opened; one that does not open fails its step. */
    private StepEvent openOutputs(Envelope e, StepEvent event) {
        if (event instanceof StepEvent.Succeeded s && s.outputs() != null && Sealing.hasSealed(s.outputs())) {
            try {
                return new StepEvent.Succeeded(s.changed(), s.diff(), Sealing.openAll(s.outputs(), sealing, e.causationId() + "|orchestrator"),
                        s.secretOutputs(), s.replayed(), s.durationMillis());
            } catch (Sealing.SealingException ex) {
                return new StepEvent.Failed("the step's secret outputs do not open with this orchestrator's key: " + ex.getMessage()
                        + " (was the agent given another orchestrator's sealing key?)", false, s.durationMillis());
            }
        }
        return event;
    }

    private void afterCommit(Saga saga, List<Effect> effects) {
        List<OutboxRow> committed = pendingOutbox.remove(saga.id());
        if (committed != null && !committed.isEmpty()) {
            outboxHandOver.accept(committed);
        }
        runLocalSteps();
        for (Effect e : effects) {
            ObjectNode update = Json.object().put("sagaId", saga.id().toString()).put("status", saga.status().name());
            if (e instanceof Effect.Audit a) {
                update.put("event", a.action()).put("step", a.step() == null ? null : a.step().value())
                        .put("target", a.target());
                update.set("detail", a.detail());
            } else if (e instanceof Effect.Progress p) {
                update.put("event", "step.progress").put("step", p.step().value()).put("target", p.target())
                        .put("line", p.line());
            } else {
                continue;
            }
            bus.publish(saga.id(), update);
        }
        if (saga.status().isFinal()) {
            live.remove(saga.id());
        }
        if (saga.takeMoreToDispatch()) {
            // the engine's dispatch cap left ready steps: the next transaction takes them, behind
            // whatever already waits for the saga loop
            try {
                loop.execute(() -> continueDispatch(saga));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping: the next owner's recovery dispatches them
            }
        }
    }

    /** The next ready steps the engine's dispatch cap left, in a transaction of their own. */
    private void continueDispatch(Saga saga) {
        try {
            if (live.get(saga.id()) == saga) {
                commit(List.of(saga), Map.of(saga.id(), engine.tick(saga, clock.instant())), SYSTEM);
            }
        } catch (RuntimeException e) {
            LOG.warn("saga {}: dispatching the next ready steps failed ({}); the timer tries again", saga.id(), e.toString());
            try {
                saga(saga.id()).ifPresent(Saga::requestDispatch); // reloaded from PostgreSQL
            } catch (RuntimeException again) {
                // the database is away: recovery at the next start, or the next event, brings it back
            }
        }
    }

    /**
     * Runs the orchestrator's own steps off the saga loop and feeds their answers back like a
     * worker's events. A crash before the answer is recorded leaves the step dispatched: it times
     * out and runs again (signing twice is harmless).
     */
    private void runLocalSteps() {
        List<Envelope> work = new ArrayList<>(localDispatches);
        localDispatches.clear();
        for (Envelope cmd : work) {
            localWorker.submit(() -> {
                StepEvent answer = localSteps.run(cmd);
                Envelope ev = Envelope.of(answer, cmd.labId(), cmd.sagaId(), cmd.stepId(), cmd.attempt(), cmd.target(),
                        cmd.messageId(), clock.instant(), null, cmd.dryRun());
                try {
                    onEvents(List.of(ev));
                } catch (RuntimeException e) {
                    LOG.warn("could not record the answer of local step {}: {}", cmd.stepId(), e.toString());
                }
            });
        }
    }

    private static Optional<StepEvent> decode(Envelope e) {
        try {
            Object p = e.payloadObject();
            return p instanceof StepEvent s ? Optional.of(s) : Optional.empty();
        } catch (RuntimeException ex) {
            LOG.warn("ignored an undecodable event {} of type {}: {}", e.messageId(), e.type(), ex.getMessage());
            return Optional.empty();
        }
    }

    public SagaStatus status(SagaId id) {
        return snapshot(id).map(Saga::status).orElseThrow(() -> new SagaNotFound(id.toString()));
    }

    private <T> T call(Callable<T> work) {
        try {
            return loop.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** For tests: the ids of the messages a saga is waiting for. */
    public List<UUID> awaited(SagaId id) {
        return snapshot(id).map(s -> s.steps().stream().map(r -> r.messageId()).filter(m -> m != null).toList())
                .orElse(List.of());
    }

    @Override
    public void close() {
        localWorker.shutdownNow();
        loop.shutdown();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
