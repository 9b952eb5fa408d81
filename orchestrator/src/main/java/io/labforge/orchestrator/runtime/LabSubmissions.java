package io.labforge.orchestrator.runtime;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabParser;
import io.labforge.common.lab.LabValidationException;
import io.labforge.orchestrator.plan.swarm.SwarmPlans;
import io.labforge.orchestrator.planner.FeatureStatus;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.Planner;
import io.labforge.orchestrator.saga.Saga;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a user submits becomes a saga: a lab file is read and validated (an invalid one changes nothing:
 * its rejection, with every error, is the only thing written, to the audit log), planned, and started.
 * Also the one-step sagas on a lab applied before (scale a swarm service, describe the swarm).
 */
public final class LabSubmissions {
    private final LabParser parser;
    private final Planner planner;
    private final SagaStarter coordinator;
    private final Function<String, Optional<String>> labSource;
    private final Function<List<String>, List<String>> neverSeen;

    /**
     * {@code labSource}: the source of a lab applied before, by id; {@code neverSeen}: of the hosts given,
     * those on which no agent ever announced itself.
     */
    public LabSubmissions(LabParser parser, Planner planner, SagaStarter coordinator, Function<String, Optional<String>> labSource,
            Function<List<String>, List<String>> neverSeen) {
        this.parser = parser;
        this.planner = planner;
        this.coordinator = coordinator;
        this.labSource = labSource;
        this.neverSeen = neverSeen;
    }

    public SagaId submit(String source, Saga.Mode mode, String actor) {
        return submit(source, Map.of(), mode, actor);
    }

    /**
     * A lab with the files it names beside it ({@code files}: path relative to the lab file → content),
     * which its steps carry to the hosts.
     */
    public SagaId submit(String source, Map<String, String> files, Saga.Mode mode, String actor) {
        LabParser.Result parsed = parser.read(source, files == null ? Map.of() : files);
        if (!parsed.ok()) {
            coordinator.recordRejection(actor, mode, parsed.errors());
            throw new LabValidationException("the lab", parsed.errors());
        }
        Lab lab = parsed.lab();
        return start(lab, source, planner.plan(lab), lab.onFailure(), mode, actor);
    }

    /** Scales a service of a lab submitted before, as a saga of one step (audited, compensable). */
    public SagaId scale(String labId, String service, int replicas, String actor) {
        Stored stored = stored(labId);
        return start(stored.lab(), stored.source(), SwarmPlans.scale(stored.lab(), service, replicas), Lab.FailurePolicy.PAUSE,
                Saga.Mode.APPLY, actor);
    }

    /** Reads a feature's cluster of a lab applied before (its nodes, services or workloads): a read-only (plan mode) saga of one step. */
    public SagaId describe(String labId, FeatureStatus feature, String actor) {
        Stored stored = stored(labId);
        return start(stored.lab(), stored.source(), feature.describe(stored.lab()), Lab.FailurePolicy.PAUSE, Saga.Mode.PLAN, actor);
    }

    private record Stored(Lab lab, String source) {
    }

    private Stored stored(String labId) {
        String source = labSource.apply(labId).orElseThrow(() -> new SagaNotFound("lab " + labId));
        return new Stored(parser.parse(source, labId), source);
    }

    /**
     * Starts the saga, unless a host its agents' steps run on never had an agent announce itself: such a
     * lab is refused, naming the hosts and the command that installs their agents, rather than started to
     * wait for agents that may never come (a host that had an agent and went silent is another matter: its
     * steps fail at once with "host offline since …", see {@link HostLiveness}).
     */
    private SagaId start(Lab lab, String source, Plan plan, Lab.FailurePolicy policy, Saga.Mode mode, String actor) {
        List<String> missing = neverSeen.apply(HostClaims.hostsOf(plan));
        if (!missing.isEmpty()) {
            throw SagaConflict.hostsNeverSeen(missing);
        }
        return coordinator.submitPlan(LabId.of(lab.name()), source, plan, policy, mode, actor);
    }
}
