package io.labforge.orchestrator.saga;

import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.StepSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The state of one saga: its steps in plan order. Mutated only by {@link SagaEngine}; it remembers
 * which steps changed so an adapter writes just those.
 */
public final class Saga {
    public enum Mode {
        /** Run every step's apply. */
        APPLY,
        /** Run every step's check only: the diff of what apply would change. */
        PLAN
    }

    final SagaId id;
    final String labId;
    final Mode mode;
    FailurePolicy policy;
    SagaStatus status;
    final Map<StepId, StepRun> steps = new LinkedHashMap<>();
    final Map<StepId, List<StepId>> dependents = new HashMap<>();
    final Map<String, List<StepRun>> byTarget = new HashMap<>();
    private final EnumMap<StepState, Integer> counts = new EnumMap<>(StepState.class);
    final Set<StepId> dirty = new LinkedHashSet<>();
    boolean statusDirty;
    /** The values the plan's steps share (held once: see {@code Shared}). */
    final Map<String, JsonNode> shared;

    public Saga(SagaId id, String labId, Mode mode, FailurePolicy policy, SagaStatus status, Collection<StepRun> runs) {
        this(id, labId, mode, policy, status, runs, Map.of());
    }

    public Saga(SagaId id, String labId, Mode mode, FailurePolicy policy, SagaStatus status, Collection<StepRun> runs,
            Map<String, JsonNode> shared) {
        this.shared = Map.copyOf(shared);
        this.id = id;
        this.labId = labId;
        this.mode = mode;
        this.policy = policy;
        this.status = status;
        for (StepState st : StepState.values()) {
            counts.put(st, 0);
        }
        for (StepRun r : runs) {
            steps.put(r.spec.id(), r);
            dependents.putIfAbsent(r.spec.id(), new ArrayList<>());
            byTarget.computeIfAbsent(r.spec.target(), t -> new ArrayList<>()).add(r);
            counts.merge(r.state, 1, Integer::sum);
        }
        for (StepRun r : runs) {
            for (StepId d : r.spec.dependsOn()) {
                dependents.get(d).add(r.spec.id());
            }
        }
    }

    /** A new saga for a plan; every step PENDING. */
    public static Saga create(SagaId id, String labId, Mode mode, FailurePolicy policy, Plan plan) {
        List<StepRun> runs = new ArrayList<>();
        for (StepSpec s : plan.steps()) {
            runs.add(new StepRun(s));
        }
        Saga saga = new Saga(id, labId, mode, policy, SagaStatus.RUNNING, runs, plan.shared());
        saga.dirty.addAll(saga.steps.keySet());
        saga.statusDirty = true;
        return saga;
    }

    public SagaId id() {
        return id;
    }

    /** The values the plan's steps share, by name. */
    public Map<String, JsonNode> shared() {
        return shared;
    }

    public String labId() {
        return labId;
    }

    public Mode mode() {
        return mode;
    }

    public FailurePolicy policy() {
        return policy;
    }

    public SagaStatus status() {
        return status;
    }

    public Collection<StepRun> steps() {
        return steps.values();
    }

    public StepRun step(StepId id) {
        return steps.get(id);
    }

    /** The steps changed since the last call, and whether the status changed; clears both. */
    public Set<StepId> takeDirty() {
        Set<StepId> d = new LinkedHashSet<>(dirty);
        dirty.clear();
        return d;
    }

    /** Set by the engine when it left ready steps for a next call (its per-call dispatch cap). */
    boolean moreToDispatch;

    /** Whether ready steps wait for another call of the engine ({@link SagaEngine#tick}); clears it. */
    public boolean takeMoreToDispatch() {
        boolean m = moreToDispatch;
        moreToDispatch = false;
        return m;
    }

    /** Asks for the next {@link SagaEngine#tick} to look for ready steps (after a failed attempt to dispatch them). */
    public void requestDispatch() {
        moreToDispatch = true;
    }

    public boolean takeStatusDirty() {
        boolean d = statusDirty;
        statusDirty = false;
        return d;
    }

    /** Changes a step's state, keeping the per-state counts the engine reads instead of scanning. */
    void move(StepRun r, StepState to) {
        if (r.state != to) {
            counts.merge(r.state, -1, Integer::sum);
            counts.merge(to, 1, Integer::sum);
            r.state = to;
        }
        dirty.add(r.spec.id());
    }

    int count(StepState s) {
        return counts.get(s);
    }

    int inFlightOn(String target) {
        int n = 0;
        for (StepRun r : byTarget.getOrDefault(target, List.of())) {
            if (r.state.inFlight()) {
                n++;
            }
        }
        return n;
    }

    void touch(StepRun r) {
        dirty.add(r.spec.id());
    }

    void status(SagaStatus s) {
        if (status != s) {
            status = s;
            statusDirty = true;
        }
    }

    public Instant nextWakeUp() {
        Instant next = null;
        for (StepRun r : steps.values()) {
            for (Instant t : new Instant[] {r.awaiting() ? r.deadline : null, r.messageId == null ? r.notBefore : null}) {
                if (t != null && (next == null || t.isBefore(next))) {
                    next = t;
                }
            }
        }
        return next;
    }
}
