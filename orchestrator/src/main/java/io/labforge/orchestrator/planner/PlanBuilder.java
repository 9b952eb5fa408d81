package io.labforge.orchestrator.planner;

import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.firewall.FirewallSpec;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.MessageTypes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Builds one lab's plan: owns the step ids ({@code kind@target}, {@code kind-name@target}) and each
 * host's chain (the last step planned on it, which the next per-host step waits for). Features add
 * their steps through {@link #step}.
 */
public final class PlanBuilder {
    private final Lab lab;
    private final List<FeaturePlanner> features;
    private final String nonce;
    private final Map<StepId, StepSpec> steps = new LinkedHashMap<>();
    private final Map<StepId, StepDraft<?>> drafts = new LinkedHashMap<>();
    private final Map<String, StepId> last = new HashMap<>();
    private final Map<String, JsonNode> shared = new LinkedHashMap<>();

    PlanBuilder(Lab lab, List<FeaturePlanner> features) {
        this.lab = lab;
        this.features = features;
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        this.nonce = HexFormat.of().formatHex(random);
    }

    public Lab lab() {
        return lab;
    }

    /** A step id: {@code kind@target}. */
    public static StepId id(String kind, String target) {
        return StepId.of(kind + "@" + target);
    }

    /** A step id for one of several of a kind on a target: {@code kind-name@target}. */
    public static StepId id(String kind, String name, String target) {
        return StepId.of(kind + "-" + name + "@" + target);
    }

    /** Starts a step running {@code command} on {@code target}; {@link StepDraft#add()} puts it in the plan. */
    public <C> StepDraft<C> step(StepId id, String target, C command) {
        StepDraft<C> draft = new StepDraft<>(this, id, target, command);
        if (drafts.putIfAbsent(id, draft) != null || steps.containsKey(id)) {
            throw new IllegalArgumentException("two steps are named " + id);
        }
        return draft;
    }

    /**
     * A value held once by the plan for every step that takes it ({@link StepDraft#share}); {@code name} is unique
     * in the plan.
     */
    public <T> Shared<T> shared(String name, T value) {
        JsonNode json = Json.tree(value);
        if (shared.putIfAbsent(name, json) != null) {
            throw new IllegalArgumentException("two shared values are named " + name);
        }
        return new Shared<>(name, value.getClass(), json);
    }

    /** Whether a step of that id is planned already. */
    public boolean has(StepId id) {
        return steps.containsKey(id);
    }

    /**
     * A step planned before, as {@code command}'s step (its outputs named through that command's constants);
     * the step must run that command.
     */
    public <C> StepRef<C> ref(StepId id, Class<C> command) {
        StepSpec s = steps.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no step " + id + " is planned");
        }
        String type = MessageTypes.typeOf(command).name();
        if (!s.commandType().equals(type)) {
            throw new IllegalArgumentException("step " + id + " runs " + s.commandType() + ", not " + type);
        }
        return new StepRef<>(id, s.target(), nonce);
    }

    /** The last step of a host's chain. */
    public StepId last(String host) {
        StepId id = last.get(host);
        if (id == null) {
            throw new IllegalStateException("host " + host + " has no step yet: its chain starts with host basics");
        }
        return id;
    }

    /** Makes {@code step} the last of {@code host}'s chain. */
    public void advance(String host, StepRef<?> step) {
        last.put(host, step.id());
    }

    /** Every feature's openings for a host's firewall. */
    public FirewallSpec openings(Lab.Host host) {
        FirewallSpec all = FirewallSpec.EMPTY;
        for (FeaturePlanner f : features) {
            all = all.merge(f.openings(lab, host));
        }
        return all;
    }

    /** Every feature's kernel parameters for a host. */
    public Map<String, String> sysctls(Lab.Host host) {
        Map<String, String> all = new TreeMap<>();
        for (FeaturePlanner f : features) {
            all.putAll(f.sysctls(lab, host));
        }
        return all;
    }

    /** Whether some feature needs Docker on a host. */
    public boolean needsDocker(Lab.Host host) {
        return features.stream().anyMatch(f -> f.needsDocker(lab, host));
    }

    String nonce() {
        return nonce;
    }

    <C> StepRef<C> added(StepDraft<C> draft, StepSpec spec) {
        drafts.remove(draft.id());
        steps.put(spec.id(), spec);
        return new StepRef<>(spec.id(), spec.target(), nonce);
    }

    Plan build() {
        if (!drafts.isEmpty()) {
            throw new IllegalStateException("steps planned but never added: " + drafts.keySet());
        }
        return Plan.of(new ArrayList<>(steps.values()), shared);
    }
}
