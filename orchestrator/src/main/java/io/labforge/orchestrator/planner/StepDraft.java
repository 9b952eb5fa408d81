package io.labforge.orchestrator.planner;

import io.labforge.common.id.StepId;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.common.step.Output;
import io.labforge.orchestrator.planner.StepSpec.Compensation;
import io.labforge.orchestrator.planner.StepSpec.RetryPolicy;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.node.ObjectNode;

/**
 * A step being planned: its command (a record of the contracts, which may hold other steps' outputs
 * through {@link StepRef#text}), what it waits for, its timeout and retry policy, and its compensation.
 * {@link #add()} puts it in the plan; a draft never added is an error when the plan is built.
 *
 * @param <C> the step's command
 */
public final class StepDraft<C> {
    /** The default timeout of a step: quick changes on a host. */
    public static final Duration SHORT = Duration.ofMinutes(2);

    private final PlanBuilder plan;
    private final StepId id;
    private final String target;
    private final C command;
    private final List<StepId> after = new ArrayList<>();
    private Duration timeout = SHORT;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Object undo;
    private final Map<String, Output<C, ?>> undoFrom = new LinkedHashMap<>();
    private final Map<String, Shared<?>> shares = new LinkedHashMap<>();
    private String chainOf;

    StepDraft(PlanBuilder plan, StepId id, String target, C command) {
        this.plan = plan;
        this.id = id;
        this.target = target;
        this.command = command;
    }

    public StepDraft<C> after(StepRef<?>... steps) {
        Arrays.stream(steps).forEach(s -> after.add(s.id()));
        return this;
    }

    public StepDraft<C> after(StepId... steps) {
        after.addAll(Arrays.asList(steps));
        return this;
    }

    public StepDraft<C> after(Collection<StepId> steps) {
        after.addAll(steps);
        return this;
    }

    /** Waits for the last step of {@code host}'s chain, and becomes that chain's last step once added. */
    public StepDraft<C> inChainOf(String host) {
        after.add(plan.last(host));
        chainOf = host;
        return this;
    }

    /** In the chain of the host it runs on ({@link #inChainOf}). */
    public StepDraft<C> inChain() {
        return inChainOf(target);
    }

    public StepDraft<C> timeout(Duration t) {
        timeout = t;
        return this;
    }

    public StepDraft<C> retry(RetryPolicy r) {
        retry = r;
        return this;
    }

    /** The compensation: a command built from this step's text outputs ({@link Self#text}) and the plan's values. */
    public StepDraft<C> undo(Function<Self<C>, ?> compensation) {
        undo = compensation.apply(new Self<>(plan.nonce()));
        return this;
    }

    /**
     * A component of the compensation's command ({@code component}) given this step's output (one that is
     * not text: a flag, a list, a map). Checked when the step is added: the component must exist and take
     * that output's type.
     */
    public StepDraft<C> undoFrom(String component, Output<C, ?> output) {
        undoFrom.put(component, output);
        return this;
    }

    /**
     * The command's {@code component} is the plan's shared {@code value} (whatever the command holds there is
     * replaced by a reference to it). Checked when the step is added: the component must exist and take the value.
     */
    public StepDraft<C> share(String component, Shared<?> value) {
        shares.put(component, value);
        return this;
    }

    /** Puts the step in the plan. */
    public StepRef<C> add() {
        Compensation compensation = null;
        if (undo != null) {
            ObjectNode in = Placeholders.inputs(undo, plan.nonce());
            undoFrom.forEach((component, output) -> {
                check(undo.getClass(), component, output);
                in.set(component, Refs.self(output.name()));
            });
            compensation = new Compensation(MessageTypes.typeOf(undo.getClass()).name(), in);
        } else if (!undoFrom.isEmpty()) {
            throw new IllegalStateException(id + ": undoFrom without an undo command");
        }
        ObjectNode inputs = Placeholders.inputs(command, plan.nonce());
        shares.forEach((component, value) -> {
            Class<?> want = component(command.getClass(), component).getType();
            if (!want.isAssignableFrom(value.type())) {
                throw new IllegalArgumentException(command.getClass().getSimpleName() + "." + component + " is a " + want.getSimpleName()
                        + ", not the shared " + value.type().getSimpleName() + " '" + value.name() + "'");
            }
            inputs.set(component, Refs.shared(value.name()));
        });
        StepSpec spec = new StepSpec(id, MessageTypes.typeOf(command.getClass()).name(), target, inputs, after, timeout, retry, compensation);
        StepRef<C> ref = plan.added(this, spec);
        if (chainOf != null) {
            plan.advance(chainOf, ref);
        }
        return ref;
    }

    StepId id() {
        return id;
    }

    /** A compensation's component must exist and take the output's type (numbers take numbers). */
    private static void check(Class<?> record, String component, Output<?, ?> output) {
        Class<?> want = box(component(record, component).getType());
        Class<?> have = output.type();
        boolean numbers = Number.class.isAssignableFrom(want) && Number.class.isAssignableFrom(have);
        if (!numbers && !want.isAssignableFrom(have)) {
            throw new IllegalArgumentException(record.getSimpleName() + "." + component + " is a " + want.getSimpleName()
                    + ", not the " + have.getSimpleName() + " output '" + output.name() + "'");
        }
    }

    private static RecordComponent component(Class<?> record, String component) {
        return Arrays.stream(record.getRecordComponents()).filter(r -> r.getName().equals(component)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(record.getSimpleName() + " has no component '" + component + "'"));
    }

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        return t == boolean.class ? Boolean.class : t == int.class ? Integer.class : t == long.class ? Long.class : t;
    }
}
