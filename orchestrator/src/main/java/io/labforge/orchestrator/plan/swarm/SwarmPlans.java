package io.labforge.orchestrator.plan.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.swarm.ScaleService;
import io.labforge.common.lab.swarm.SwarmService;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.Planner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A one-step plan on a lab applied before: {@code labforge swarm scale} ({@code swarm status}: {@link SwarmStatus}). */
public final class SwarmPlans {
    private SwarmPlans() {
    }

    /** A service's replicas through cluster-service; the undo scales back to what it found. */
    public static Plan scale(Lab lab, String service, int replicas) {
        SwarmSpec sw = SwarmSpec.of(lab);
        if (sw == null || !serviceNames(sw).contains(service) && !ofStackWithoutFiles(sw, service)) {
            throw new IllegalArgumentException("lab " + lab.name() + " has no swarm service '" + service + "'"
                    + (sw == null ? "" : ": it has " + serviceNames(sw) + (sw.stacks().isEmpty() ? ""
                            : " (Docker names a stack's services STACK_SERVICE: " + sw.stacks().get(0).name() + "_…)")));
        }
        if (replicas < 0 || replicas > 1000) {
            throw new IllegalArgumentException("replicas must be between 0 and 1000, not " + replicas);
        }
        String endpoint = engineApi(lab);
        String target = ClusterCommand.TARGET;
        return Planner.of(lab, plan -> plan.step(PlanBuilder.id("scale", service, target), target,
                        new ScaleService(lab.name(), endpoint, service, replicas))
                .timeout(Duration.ofMinutes(5))
                .undo(self -> new ScaleService(lab.name(), endpoint, service, 0))
                .undoFrom("replicas", ScaleService.PREVIOUS)
                .add());
    }

    /** The lab's swarm services by the names Docker gives them: its own, and each stack's as {@code STACK_SERVICE}. */
    static List<String> serviceNames(SwarmSpec sw) {
        List<String> names = new ArrayList<>(sw.services().stream().map(SwarmService::name).toList());
        for (SwarmSpec.Stack stack : sw.stacks()) {
            String compose = stack.files().get(stack.compose());
            if (compose != null) {
                composeServices(compose).forEach(s -> names.add(stack.name() + "_" + s));
            }
        }
        return names;
    }

    /** A stack's service when the stack's files did not come with the lab (its compose file cannot be read here). */
    private static boolean ofStackWithoutFiles(SwarmSpec sw, String service) {
        return sw.stacks().stream().anyMatch(st -> st.files().get(st.compose()) == null && service.startsWith(st.name() + "_")
                && service.length() > st.name().length() + 1);
    }

    /** The services a compose file defines (its {@code services} keys); none when it cannot be read. */
    private static List<String> composeServices(String compose) {
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(compose);
            if (doc instanceof Map<?, ?> m && m.get("services") instanceof Map<?, ?> services) {
                return services.keySet().stream().map(String::valueOf).sorted().toList();
            }
        } catch (RuntimeException e) {
            // the stack's deploy step reports a compose file it cannot read
        }
        return List.of();
    }

    private static String engineApi(Lab lab) {
        SwarmSpec sw = SwarmSpec.of(lab);
        if (sw == null) {
            throw new IllegalArgumentException("lab " + lab.name() + " has no swarm");
        }
        return ClusterServiceSteps.engineApi(lab, lab.requireHost(sw.firstManager()));
    }
}
