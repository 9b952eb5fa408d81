package io.labforge.orchestrator.security;

import io.labforge.orchestrator.OrchestratorProperties;
import io.labforge.orchestrator.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The REST API behind Spring Security. Every call under {@code /api} carries a bearer token: one of
 * Labforge's own ({@link ApiTokens}) or, when {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}
 * names an identity provider, an OIDC access token whose {@code labforge.api.oidc-role-claim} holds the
 * role. Nothing rides on cookies, so a page of another site cannot make a browser call the API for its
 * user: without the header it is refused, and no CORS policy lets it add one. The console page itself
 * is public; what it shows needs a token.
 */
@Configuration
@EnableWebSecurity
@EnableConfigurationProperties(ApiProperties.class)
public class ApiSecurity {
    /** The console's scripts, styles and data come from this server only; nothing frames it. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final Logger LOG = LoggerFactory.getLogger(ApiSecurity.class);

    @Bean
    ApiTokens apiTokens(JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit) {
        return new ApiTokens(jdbc, tx, audit, Clock.systemUTC());
    }

    @Bean
    Refusals refusals(AuditLog audit, TransactionTemplate tx) {
        return new Refusals(audit, tx, Clock.systemUTC());
    }

    /** When no live admin token exists (a new orchestrator), one is made and written where its operator finds it. */
    @Bean
    ApplicationRunner initialAdminToken(ApiTokens tokens, ApiProperties api, OrchestratorProperties props) {
        return args -> {
            Path file = api.tokenFile() == null || api.tokenFile().isBlank() ? props.stateDir().resolve("token") : Path.of(api.tokenFile());
            if (tokens.ensureAdmin(file)) {
                LOG.info("no admin token existed: made one ({}) and wrote it to {} (mode 600); make the others with "
                        + "labforge token create", ApiTokens.INITIAL_ADMIN, file.toAbsolutePath());
            }
        };
    }

    @Bean
    RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.fromHierarchy(Role.hierarchy());
    }

    /**
     * A bearer token is Labforge's own when it starts with {@code lf_}; any other is a JWT of the identity
     * provider, when one is configured ({@code spring.security.oauth2.resourceserver.jwt.*}).
     */
    @Bean
    AuthenticationManager apiAuthentication(ApiTokens tokens, ObjectProvider<JwtDecoder> jwt, ApiProperties api) {
        AuthenticationProvider own = new LabforgeTokens(tokens);
        JwtDecoder decoder = jwt.getIfAvailable();
        JwtAuthenticationProvider oidc = decoder == null ? null : new JwtAuthenticationProvider(decoder);
        if (oidc != null) {
            oidc.setJwtAuthenticationConverter(new OidcCaller(api.oidcRoleClaim(), api.oidcNameClaim()));
        }
        return authentication -> {
            String token = ((BearerTokenAuthenticationToken) authentication).getToken();
            if (token.startsWith("lf_")) {
                return own.authenticate(authentication);
            }
            if (oidc == null) {
                throw new BadCredentialsException("not a Labforge token (they start with lf_), and no identity provider is "
                        + "configured for others");
            }
            return oidc.authenticate(authentication);
        };
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, AuthenticationManager auth, Refusals refusals, ApiProperties api) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> refuse(refusals, request, response, null, 401,
                "Unauthenticated", reason(request, e));
        AccessDeniedHandler denied = (request, response, e) -> {
            Caller caller = Caller.of(SecurityContextHolder.getContext().getAuthentication());
            refuse(refusals, request, response, caller.actor(), 403, "Forbidden", caller.actor() + " ("
                    + (caller.role() == null ? "no Labforge role" : caller.role().label()) + ") may not " + request.getMethod() + " "
                    + request.getRequestURI() + Endpoints.roleFor(request).map(r -> ": it needs the " + r.label() + " role")
                            .orElse(": no role may"));
        };
        http.csrf(c -> c.disable()) // nothing authenticates by cookie: a forged cross-site request carries no token
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                // the console runs only its own scripts: a link or markup that came from a host cannot run script in it
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY)))
                .authorizeHttpRequests(a -> {
                    a.requestMatchers(HttpMethod.GET, Endpoints.PUBLIC_PAGES.toArray(String[]::new)).permitAll();
                    a.requestMatchers("/error").permitAll();
                    Endpoints.RULES.forEach(r -> a.requestMatchers(r.matcher()).hasRole(r.role().label()));
                    a.anyRequest().denyAll();
                })
                .oauth2ResourceServer(o -> o.authenticationManagerResolver(request -> auth)
                        .authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .addFilterBefore(new BodyLimit(api.maxBodyBytes(), refusals), AuthorizationFilter.class);
        return http.build();
    }

    private static String reason(HttpServletRequest request, AuthenticationException e) {
        String header = request.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            return "this API needs a token: send 'Authorization: Bearer <token>' (an admin makes one with labforge token create; "
                    + "the CLI reads LABFORGE_TOKEN or ~/.labforge/token)";
        }
        return e.getMessage() == null ? "the token was not accepted" : e.getMessage();
    }

    private static void refuse(Refusals refusals, HttpServletRequest request, HttpServletResponse response, String actor, int status,
            String title, String detail) throws IOException {
        refusals.record(request, actor, status, detail);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"labforge\"");
        }
        Problems.write(response, status, title, detail);
    }

    /**
     * The names the server answers as ({@code Host:}): a request naming another is refused before
     * anything else, which keeps a DNS-rebinding page off a server bound to loopback.
     */
    @Bean
    HttpFirewall firewall(ApiProperties api, @Value("${server.address:}") String bound) {
        Set<String> allowed = allowedHosts(api.allowedHosts(), bound);
        StrictHttpFirewall f = new StrictHttpFirewall();
        if (allowed.isEmpty()) {
            LOG.warn("the API listens on every address and answers any Host: name; set labforge.api.allowed-hosts to the names "
                    + "users reach it by");
        } else {
            f.setAllowedHostnames(h -> allowed.contains(h.toLowerCase(Locale.ROOT)));
        }
        return f;
    }

    @Bean
    RequestRejectedHandler rejected(ApiProperties api, @Value("${server.address:}") String bound) {
        Set<String> allowed = allowedHosts(api.allowedHosts(), bound);
        return (request, response, e) -> Problems.write(response, 400, "Bad request", e.getMessage().contains("untrusted")
                ? "this server answers as " + String.join(", ", allowed) + ", not as '" + request.getServerName()
                        + "': use one of those names, or add it to labforge.api.allowed-hosts where the orchestrator runs"
                : e.getMessage());
    }

    /** The configured names, else those implied by the address the server is bound to (empty: any). */
    static Set<String> allowedHosts(Collection<String> configured, String bound) {
        Set<String> out = new LinkedHashSet<>();
        configured.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).forEach(out::add);
        if (!out.isEmpty()) {
            return out.contains("*") ? Set.of() : out;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bound == null || bound.isBlank() ? "0.0.0.0" : bound);
        } catch (UnknownHostException e) {
            return Set.of(bound.toLowerCase(Locale.ROOT));
        }
        if (address.isAnyLocalAddress()) {
            return Set.of();
        }
        if (address.isLoopbackAddress()) {
            return new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1", "[::1]"));
        }
        out.add(address.getHostAddress().toLowerCase(Locale.ROOT));
        out.add(bound.toLowerCase(Locale.ROOT));
        return out;
    }

    /** Authenticates Labforge's own tokens ({@code lf_…}). */
    private static final class LabforgeTokens implements AuthenticationProvider {
        private final ApiTokens tokens;

        LabforgeTokens(ApiTokens tokens) {
            this.tokens = tokens;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            String token = ((BearerTokenAuthenticationToken) authentication).getToken();
            return tokens.check(token).<Authentication>map(Caller.TokenAuthentication::new).orElseThrow(() -> new BadCredentialsException(
                    "the token is not valid: unknown, revoked or mistyped (an admin lists them with labforge token list)"));
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }

    /** An OIDC access token's caller: named by its name claim (else its subject), its role from the role claim. */
    private record OidcCaller(String roleClaim, String nameClaim) implements Converter<Jwt, AbstractAuthenticationToken> {
        @Override
        public AbstractAuthenticationToken convert(Jwt jwt) {
            Object claim = jwt.getClaims().get(roleClaim);
            Collection<?> values = claim instanceof Collection<?> c ? c : claim == null ? List.of() : List.of(claim);
            List<GrantedAuthority> roles = values.stream().map(v -> Role.parse(String.valueOf(v)))
                    .flatMap(Optional::stream).map(r -> (GrantedAuthority) new SimpleGrantedAuthority(r.authority())).toList();
            String name = jwt.getClaimAsString(nameClaim);
            return new JwtAuthenticationToken(jwt, roles, name == null || name.isBlank() ? jwt.getSubject() : name);
        }
    }
}
