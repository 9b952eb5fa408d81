package io.labforge.orchestrator.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which role each part of the API needs, in one table: the security filter enforces it and a refusal
 * quotes it. A request no rule names is refused to everyone.
 */
final class Endpoints {
    private Endpoints() {
    }

    /** {@code method} null: any method. */
    record Rule(HttpMethod method, List<String> patterns, Role role) {
        RequestMatcher matcher() {
            PathPatternRequestMatcher.Builder b = PathPatternRequestMatcher.withDefaults();
            return new OrRequestMatcher(patterns.stream().map(p -> (RequestMatcher) b.matcher(method, p)).toList());
        }
    }

    /** The console page is public (what it shows needs a token); so is the error page. */
    static final List<String> PUBLIC_PAGES = List.of("/", "/index.html", "/favicon.ico", "/console/**", "/vendor/**");

    static final List<Rule> RULES = List.of(
            new Rule(null, List.of("/api/tokens", "/api/tokens/**"), Role.ADMIN),
            new Rule(null, List.of("/api/auditors", "/api/auditors/**"), Role.ADMIN),
            new Rule(HttpMethod.PUT, List.of("/api/workers/*"), Role.ADMIN),
            new Rule(HttpMethod.DELETE, List.of("/api/workers/*"), Role.ADMIN),
            new Rule(HttpMethod.GET, List.of("/api/**"), Role.VIEWER),
            new Rule(HttpMethod.POST, List.of("/api/sagas", "/api/sagas/*/pause", "/api/sagas/*/resume", "/api/sagas/*/compensate",
                    "/api/labs/**"),
                    Role.OPERATOR));

    /** The role a request needs; empty when no role may make it. */
    static Optional<Role> roleFor(HttpServletRequest request) {
        return RULES.stream().filter(r -> r.matcher().matches(request)).map(Rule::role).findFirst();
    }
}
