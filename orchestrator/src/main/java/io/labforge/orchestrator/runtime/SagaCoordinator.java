package io.labforge.orchestrator.runtime;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.common.messaging.Topics;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.local.LocalSteps;
import io.labforge.orchestrator.persistence.SagaRepository.OutboxRow;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.persistence.StepOutputs;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.saga.Effect;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaEngine;
import io.labforge.orchestrator.saga.StepState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The saga owner's loop. Every change to a saga — a start, a batch of worker events, a timer tick, a
 * resume — runs on one thread, against the in-memory saga, and is persisted in one transaction with its
 * outbox rows and audit rows. If that transaction fails, the in-memory copy is dropped and reloaded from
 * PostgreSQL on next use. After a commit, the outbox rows go to the relay, the orchestrator's own steps
 * to their runner, and the changes to the progress watchers.
 */
public final class SagaCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SagaCoordinator.class);
    public static final String SYSTEM = "orchestrator";

    private final SagaRepository repo;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final SagaEngine engine;
    private final Clock clock;
    private final CommandEnvelopes envelopes;
    private final SecretSealer sealer;
    private final MessageTypes types;
    /** Takes the outbox rows of a transaction once it has committed (the relay sends them at once). */
    private final Consumer<List<OutboxRow>> outboxHandOver;
    private final ProgressBus bus;
    private final LocalStepRunner localSteps;
    private final Ownership ownership;
    private final HostClaims claims;
    private final HostLiveness liveness;
    /** Steps' output lines, stored with the transaction that records them. */
    private final StepOutputs outputs;
    /** Told when a transaction finds that this orchestrator no longer owns the sagas. */
    private volatile Runnable onLost = () -> { };
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "saga-loop"));
    private final Map<SagaId, Saga> live = new HashMap<>();
    /** What the transaction being built will hand over once it commits. */
    private final Map<SagaId, List<OutboxRow>> pendingOutbox = new HashMap<>();
    private final List<Envelope> pendingLocal = new ArrayList<>();

    /** Its collaborators, each with one job. */
    public record Parts(SagaRepository repo, AuditLog audit, TransactionTemplate tx, SagaEngine engine, Clock clock,
            CommandEnvelopes envelopes, SecretSealer sealer, MessageTypes types, Consumer<List<OutboxRow>> outboxHandOver,
            ProgressBus bus, LocalSteps localSteps, Ownership ownership, HostClaims claims, HostLiveness liveness, StepOutputs outputs) {
    }

    public SagaCoordinator(Parts p) {
        this.repo = p.repo();
        this.audit = p.audit();
        this.tx = p.tx();
        this.engine = p.engine();
        this.clock = p.clock();
        this.envelopes = p.envelopes();
        this.sealer = p.sealer();
        this.types = p.types();
        this.outboxHandOver = p.outboxHandOver();
        this.bus = p.bus();
        this.localSteps = new LocalStepRunner(p.localSteps(), p.clock(), this::onEvents);
        this.ownership = p.ownership();
        this.claims = p.claims();
        this.liveness = p.liveness();
        this.outputs = p.outputs();
    }

    /** {@code listener}: told (on the saga loop) when a transaction finds that another orchestrator took the sagas. */
    public void whenOwnershipLost(Runnable listener) {
        this.onLost = listener;
    }

    /**
     * For a new owner: loads the sagas that were running when the last one stopped, and runs again the
     * steps the orchestrator runs itself that were in flight (they died with the process that had
     * started them; running them twice is harmless, and their answers are awaited under the same
     * message id).
     */
    public int recover() {
        return call(() -> {
            live.clear();
            liveness.remember(repo.lastSeen());
            int n = 0;
            List<Envelope> local = new ArrayList<>();
            Instant now = clock.instant();
            for (SagaId id : repo.active()) {
                Optional<Saga> saga = repo.load(id);
                if (saga.isEmpty()) {
                    continue;
                }
                live.put(id, saga.get());
                n++;
                for (Effect.Dispatch d : engine.inFlight(saga.get(), type -> Topics.commandTopicFor(type) == null)) {
                    local.add(envelopes.build(saga.get(), d, now).envelope());
                }
            }
            if (n > 0) {
                LOG.info("recovered {} active saga(s) from PostgreSQL; {} step(s) of the orchestrator's own run again", n, local.size());
            }
            if (!local.isEmpty()) {
                localSteps.run(local);
            }
            return n;
        });
    }

    /** For an owner that lost the sagas: forgets what it held in memory (the new owner has it from PostgreSQL). */
    public void standDown() {
        call(() -> {
            forget(live.keySet());
            return null;
        });
    }

    /** Starts a saga for a plan (a lab's, a one-step task's, the benchmark's generated labs). */
    public SagaId submitPlan(LabId lab, String source, Plan plan, Lab.FailurePolicy policy, Saga.Mode mode, String actor) {
        return submitPlan(SagaId.random(), lab, source, plan, policy, mode, actor);
    }

    /** The same with its id chosen by the caller (a standby that forwarded it has already answered with it). */
    public SagaId submitPlan(SagaId id, LabId lab, String source, Plan plan, Lab.FailurePolicy policy, Saga.Mode mode, String actor) {
        ownership.requireOwner();
        return call(() -> {
            Saga saga = Saga.create(id, lab.value(), mode, policy, plan);
            List<Effect> effects = engine.start(saga, clock.instant());
            List<String> hosts = HostClaims.hostsOf(plan);
            inTransaction(List.of(), () -> {
                if (mode == Saga.Mode.APPLY) {
                    claims.requireFree(hosts); // at most one running saga changes a host
                }
                repo.insertLab(lab.value(), lab.value(), source, mode == Saga.Mode.APPLY);
                repo.insertSaga(saga, actor);
                claims.claim(id.value(), hosts);
                persist(saga, effects, actor);
            });
            live.put(id, saga);
            afterCommit(saga, effects);
            return id;
        });
    }

    /** Runs a paused saga's failed steps again; refused while a host they run on is offline (they would only fail again). */
    public void resume(SagaId id, String actor) {
        resume(id, actor, Set.of());
    }

    /** As {@link #resume(SagaId, String)}, for the failed steps on {@code hosts} only (empty: all). */
    public void resume(SagaId id, String actor, Set<String> hosts) {
        change(id, actor, s -> {
            Map<String, Instant> silent = liveness.silent();
            List<String> down = s.steps().stream().filter(r -> r.state() == StepState.FAILED && silent.containsKey(r.spec().target())
                    && (hosts.isEmpty() || hosts.contains(r.spec().target()))).map(r -> r.spec().target()).distinct().sorted().toList();
            if (!down.isEmpty()) {
                throw SagaConflict.hostsOffline(down.stream().collect(java.util.stream.Collectors.toMap(h -> h, silent::get)));
            }
            return engine.resume(s, clock.instant(), hosts);
        });
    }

    /** Pauses a running saga: nothing more is sent, the steps in flight finish; {@link #resume} goes on. */
    public void pause(SagaId id, String actor) {
        change(id, actor, engine::pause);
    }

    public void compensate(SagaId id, String actor) {
        compensate(id, actor, false);
    }

    /**
     * Undoes a saga. Refused when later sagas changed the hosts it changed and undoing it would revert
     * steps under them, unless {@code force} (then audited as {@code saga.compensation-forced}).
     */
    public void compensate(SagaId id, String actor, boolean force) {
        change(id, actor, s -> {
            List<Effect> effects = new ArrayList<>(claims.beforeCompensating(id.value(), force));
            effects.addAll(engine.compensate(s, clock.instant()));
            return effects;
        });
    }

    private void change(SagaId id, String actor, Function<Saga, List<Effect>> action) {
        ownership.requireOwner();
        call(() -> {
            Saga saga = saga(id).orElseThrow(() -> new SagaNotFound(id.toString()));
            commit(saga, action.apply(saga), actor);
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
            inTransaction(touched.keySet(), () -> {
                boolean[] fresh = repo.firstDeliveries(events.stream().map(Envelope::messageId).toList());
                for (int i = 0; i < events.size(); i++) {
                    Envelope e = events.get(i);
                    Optional<SagaId> sid = fresh[i] ? sagaOf(e) : Optional.empty();
                    Optional<StepEvent> event = sid.isPresent() ? decode(e) : Optional.empty();
                    Optional<Saga> saga = event.isPresent() ? saga(sid.get()) : Optional.empty();
                    if (saga.isEmpty()) {
                        continue;
                    }
                    touched.put(sid.get(), saga.get());
                    effects.computeIfAbsent(sid.get(), k -> new ArrayList<>()).addAll(engine.onEvent(saga.get(),
                            new SagaEngine.Incoming(StepId.of(e.stepId()), e.causationId(), e.signer(), sealer.open(e, event.get())), now));
                }
                touched.values().forEach(s -> persist(s, effects.getOrDefault(s.id(), List.of()), SYSTEM));
            });
            touched.values().forEach(s -> afterCommit(s, effects.getOrDefault(s.id(), List.of())));
            return null;
        });
    }

    /** Forgets processed event ids older than a week (a redelivery after that long is not expected). */
    public void pruneInbox() {
        call(() -> {
            repo.pruneInbox(clock.instant().minus(Duration.ofDays(7)));
            return null;
        });
    }

    /** Kafka was away for {@code away}: the steps awaiting an answer get that time back (audited per saga). */
    public void busWasAway(Duration away) {
        liveness.busReturned(); // no heartbeat could travel either
        call(() -> {
            for (Saga s : new ArrayList<>(live.values())) {
                int moved = engine.extendDeadlines(s, away);
                if (moved > 0) {
                    commit(s, List.of(new Effect.Audit("saga.bus-outage", null, null,
                            Json.object().put("awaySeconds", away.toSeconds()).put("stepsGivenTheTimeBack", moved))), SYSTEM);
                }
            }
            return null;
        });
    }

    /**
     * Fails at once the steps in flight on hosts gone silent, times out overdue steps and sends due
     * retries, for every live saga that needs it.
     */
    public void tick() {
        call(() -> {
            Instant now = clock.instant();
            Map<String, Instant> silent = liveness.silent();
            for (Saga s : new ArrayList<>(live.values())) {
                List<Effect> effects = new ArrayList<>();
                silent.forEach((host, since) -> effects.addAll(engine.targetGone(s, host, AGENT_COMMAND, offline(host, since), now)));
                Instant wake = s.nextWakeUp();
                boolean due = wake != null && !now.isBefore(wake) || s.takeMoreToDispatch();
                if (due) {
                    effects.addAll(engine.tick(s, now));
                }
                if (due || !effects.isEmpty()) {
                    commit(s, effects, SYSTEM);
                }
            }
            return null;
        });
    }

    /** The commands an agent runs: their hosts send heartbeats (services, and the orchestrator's own steps, do not). */
    private static final java.util.function.Predicate<String> AGENT_COMMAND = type -> Topics.AGENT_COMMANDS.equals(Topics.commandTopicFor(type));

    /** Why a step on a host gone silent failed, with what to do about it. */
    static String offline(String host, Instant since) {
        return "host " + host + " offline since " + since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (no heartbeat from its agent): start the agent (systemctl start labforge-agent"
                + " on the host, or labforge hosts bootstrap), then resume";
    }

    private Optional<Saga> saga(SagaId id) {
        Saga s = live.get(id);
        if (s != null) {
            return Optional.of(s);
        }
        Optional<Saga> loaded = repo.load(id);
        if (ownership.owns()) {
            loaded.filter(x -> !x.status().isFinal()).ifPresent(x -> live.put(id, x));
        }
        return loaded;
    }

    private void commit(Saga saga, List<Effect> effects, String actor) {
        inTransaction(List.of(saga.id()), () -> persist(saga, effects, actor));
        afterCommit(saga, effects);
    }

    /** Runs {@code work} in a transaction; if it fails, what it built is dropped and these sagas are reloaded on next use. */
    private void inTransaction(Collection<SagaId> sagas, Runnable work) {
        try {
            fenced(() -> {
                work.run();
                return null;
            });
        } catch (RuntimeException e) {
            forget(sagas);
            throw e;
        }
    }

    /** Drops what a failed transaction built; these sagas are reloaded from PostgreSQL on next use. */
    private void forget(Collection<SagaId> sagas) {
        pendingLocal.clear();
        pendingOutbox.clear();
        new ArrayList<>(sagas).forEach(live::remove);
    }

    /**
     * Runs {@code work} in a transaction that goes on only while this orchestrator owns the sagas. If
     * it finds another owner, everything held in memory is dropped and the runtime is told.
     */
    private <T> T fenced(java.util.function.Supplier<T> work) {
        try {
            return tx.execute(t -> {
                ownership.fence();
                return work.get();
            });
        } catch (Ownership.NotOwner e) {
            if (e.lost()) {
                forget(live.keySet());
                onLost.run();
            }
            throw e;
        }
    }

    private void persist(Saga saga, List<Effect> effects, String actor) {
        Instant now = clock.instant();
        repo.saveChanges(saga);
        List<OutboxRow> outbox = new ArrayList<>();
        List<AuditLog.Record> rows = new ArrayList<>();
        List<StepOutputs.Line> said = new ArrayList<>();
        for (Effect e : effects) {
            if (e instanceof Effect.Dispatch d) {
                CommandEnvelopes.Outgoing out = envelopes.build(saga, d, now);
                if (out.local()) {
                    pendingLocal.add(out.envelope());
                } else {
                    outbox.add(new OutboxRow(0, out.topic(), d.target(), d.messageId(), out.envelope().toBytes()));
                }
            } else if (e instanceof Effect.Audit a) {
                rows.add(new AuditLog.Record(actor, a.action(), saga.labId(), saga.id().value(), a.step() == null ? null : a.step().value(),
                        a.target(), a.detail(), a.signer()));
            } else if (e instanceof Effect.Progress p) {
                said.add(new StepOutputs.Line(p.step().value(), p.line()));
            }
        }
        outputs.append(saga.id().value(), said, now);
        repo.enqueue(outbox);
        pendingOutbox.computeIfAbsent(saga.id(), k -> new ArrayList<>()).addAll(outbox);
        audit.append(rows, now);
        if (saga.status().isFinal() && !rows.isEmpty()) {
            audit.seal(saga.id().value(), now); // the orchestrator signs the chain with the saga's last rows in it
        }
    }

    private void afterCommit(Saga saga, List<Effect> effects) {
        List<OutboxRow> committed = pendingOutbox.remove(saga.id());
        if (committed != null && !committed.isEmpty()) {
            outboxHandOver.accept(committed);
        }
        if (!pendingLocal.isEmpty()) {
            localSteps.run(List.copyOf(pendingLocal));
            pendingLocal.clear();
        }
        bus.publish(saga, effects);
        if (saga.status().isFinal()) {
            live.remove(saga.id());
        }
        if (saga.takeMoreToDispatch()) {
            // the engine's dispatch cap left ready steps: the next transaction takes them, behind
            // whatever already waits for the saga loop
            try {
                loop.execute(() -> continueDispatch(saga));
            } catch (RejectedExecutionException e) {
                // stopping: the next owner's recovery dispatches them
            }
        }
    }

    /** The next ready steps the engine's dispatch cap left, in a transaction of their own. */
    private void continueDispatch(Saga saga) {
        try {
            if (live.get(saga.id()) == saga) {
                commit(saga, engine.tick(saga, clock.instant()), SYSTEM);
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

    static Optional<SagaId> sagaOf(Envelope e) {
        if (e.sagaId() == null || e.stepId() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SagaId.parse(e.sagaId()));
        } catch (IllegalArgumentException ex) {
            return Optional.empty();
        }
    }

    private Optional<StepEvent> decode(Envelope e) {
        try {
            return types.decode(e) instanceof StepEvent s ? Optional.of(s) : Optional.empty();
        } catch (RuntimeException ex) {
            LOG.warn("ignored an undecodable event {} of type {}: {}", e.messageId(), e.type(), ex.getMessage());
            return Optional.empty();
        }
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

    @Override
    public void close() {
        localSteps.close();
        loop.shutdown();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
