package io.labforge.orchestrator.security;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller of the REST API may do. Each role may do what the ones before it may: a viewer reads;
 * an operator also plans, applies, pauses, resumes, compensates and scales; an admin also manages tokens and
 * registers the workers' identities.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** The name in tokens, claims, JSON and the database: {@code viewer}, {@code operator}, {@code admin}. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Spring Security's authority for this role, e.g. {@code ROLE_operator}. */
    public String authority() {
        return "ROLE_" + label();
    }

    public static Optional<Role> parse(String text) {
        return text == null ? Optional.empty()
                : Arrays.stream(values()).filter(r -> r.label().equals(text.strip().toLowerCase(Locale.ROOT))).findFirst();
    }

    /** The role named {@code text}, or an error that lists the three. */
    public static Role of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException(
                "role must be viewer, operator or admin, not '" + text + "'"));
    }

    /** The role hierarchy as Spring Security reads it. */
    static String hierarchy() {
        return ADMIN.authority() + " > " + OPERATOR.authority() + "\n" + OPERATOR.authority() + " > " + VIEWER.authority();
    }
}
