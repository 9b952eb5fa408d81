package io.labforge.orchestrator.planner;

import io.labforge.common.id.StepId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A DAG of steps in a topological order, and the values its steps share ({@link Shared}, held once). Built
 * through {@link #of}, which refuses cycles, unknown dependencies, references to outputs of steps that are
 * not ancestors and to shared values it does not hold.
 */
public record Plan(List<StepSpec> steps, Map<StepId, StepSpec> byId, Map<String, JsonNode> shared) {

    public Plan(List<StepSpec> steps) {
        this(steps, index(steps), Map.of());
    }

    private static Map<StepId, StepSpec> index(List<StepSpec> steps) {
        Map<StepId, StepSpec> m = new HashMap<>();
        steps.forEach(s -> m.put(s.id(), s));
        return Map.copyOf(m);
    }

    public static Plan of(List<StepSpec> unordered) {
        return of(unordered, Map.of());
    }

    public static Plan of(List<StepSpec> unordered, Map<String, JsonNode> shared) {
        Map<StepId, StepSpec> byId = new LinkedHashMap<>();
        for (StepSpec s : unordered) {
            if (byId.put(s.id(), s) != null) {
                throw new IllegalArgumentException("two steps are named " + s.id());
            }
        }
        for (StepSpec s : unordered) {
            for (StepId d : s.dependsOn()) {
                if (!byId.containsKey(d)) {
                    throw new IllegalArgumentException(s.id() + " depends on unknown step " + d);
                }
            }
        }
        List<StepSpec> ordered = new ArrayList<>();
        Map<StepId, Integer> state = new HashMap<>();
        for (StepSpec s : unordered) {
            visit(s, byId, state, ordered);
        }
        Plan plan = new Plan(List.copyOf(ordered), index(ordered), Map.copyOf(shared));
        for (StepSpec s : ordered) {
            for (String name : Refs.referencedShared(s.inputs())) {
                if (!shared.containsKey(name)) {
                    throw new IllegalArgumentException(s.id() + " uses the shared value " + name + ", which the plan does not hold");
                }
            }
            Set<String> refs = Refs.referencedSteps(s.inputs());
            if (refs.isEmpty()) {
                continue;
            }
            Set<StepId> ancestors = plan.ancestors(s.id());
            for (String ref : refs) {
                if (!ancestors.contains(StepId.of(ref))) {
                    throw new IllegalArgumentException(s.id() + " uses an output of " + ref + " without depending on it");
                }
            }
        }
        return plan;
    }

    private static void visit(StepSpec s, Map<StepId, StepSpec> byId, Map<StepId, Integer> state, List<StepSpec> out) {
        Integer st = state.get(s.id());
        if (st != null && st == 2) {
            return;
        }
        if (st != null) {
            throw new IllegalArgumentException("the steps form a cycle through " + s.id());
        }
        state.put(s.id(), 1);
        for (StepId d : s.dependsOn()) {
            visit(byId.get(d), byId, state, out);
        }
        state.put(s.id(), 2);
        out.add(s);
    }

    public StepSpec step(StepId id) {
        StepSpec s = byId.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no step " + id);
        }
        return s;
    }

    public boolean has(StepId id) {
        return byId.containsKey(id);
    }

    public Set<StepId> ancestors(StepId id) {
        Set<StepId> seen = new HashSet<>();
        List<StepId> todo = new ArrayList<>(step(id).dependsOn());
        while (!todo.isEmpty()) {
            StepId d = todo.remove(todo.size() - 1);
            if (seen.add(d)) {
                todo.addAll(step(d).dependsOn());
            }
        }
        return seen;
    }

    /** Used by tests and the CLI: the inputs of a step, refs unresolved. */
    public JsonNode inputsOf(StepId id) {
        return step(id).inputs();
    }
}
