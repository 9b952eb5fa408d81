package io.labforge.common.step;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An output the executor of command {@code C} reports, declared as a constant of that command:
 *
 * <pre>{@code
 * public static final Output<SwarmInit, String> MANAGER_ADDRESS = Output.text("managerAddress");
 * }</pre>
 *
 * <p>The planner names an earlier step's output only through such a constant, and the compiler checks
 * it belongs to that step's command; the worker refuses to report an output its command does not
 * declare. {@code secret} outputs are stored encrypted by the orchestrator and sealed in transit.
 *
 * @param <C> the command that produces it
 * @param <T> its value's type
 */
public record Output<C, T>(String name, Class<?> type, boolean secret) {

    public static <C> Output<C, String> text(String name) {
        return new Output<>(name, String.class, false);
    }

    public static <C> Output<C, String> secret(String name) {
        return new Output<>(name, String.class, true);
    }

    public static <C> Output<C, Boolean> flag(String name) {
        return new Output<>(name, Boolean.class, false);
    }

    public static <C> Output<C, Long> number(String name) {
        return new Output<>(name, Long.class, false);
    }

    public static <C, E> Output<C, List<E>> list(String name) {
        return new Output<>(name, List.class, false);
    }

    public static <C, V> Output<C, Map<String, V>> map(String name) {
        return new Output<>(name, Map.class, false);
    }

    /** A structured value (an object or a list of objects), read by people and reports rather than by other steps. */
    public static <C> Output<C, Object> json(String name) {
        return new Output<>(name, Object.class, false);
    }

    /** The outputs {@code command} declares: its public static {@code Output} constants (read once per class). */
    public static List<Output<?, ?>> declaredBy(Class<?> command) {
        return DECLARED.get(command);
    }

    private static final ClassValue<List<Output<?, ?>>> DECLARED = new ClassValue<>() {
        @Override
        protected List<Output<?, ?>> computeValue(Class<?> command) {
            return read(command);
        }
    };

    private static List<Output<?, ?>> read(Class<?> command) {
        List<Output<?, ?>> out = new ArrayList<>();
        for (Field f : command.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Output.class) {
                try {
                    out.add((Output<?, ?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return List.copyOf(out);
    }

    /** The declared output of {@code command} named {@code name}, or null. */
    public static Output<?, ?> find(Class<?> command, String name) {
        return declaredBy(command).stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
    }
}
