package io.labforge.orchestrator.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** An authenticated caller of the API: how the audit log names it and what role it holds. */
public record Caller(String actor, Role role) {

    /** The caller of a request Spring Security has authenticated. */
    public static Caller of(Authentication auth) {
        if (auth instanceof TokenAuthentication t) {
            return new Caller(t.holder().actor(), t.holder().role());
        }
        if (auth instanceof JwtAuthenticationToken j) {
            Role role = auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                    .flatMap(a -> Arrays.stream(Role.values()).filter(r -> r.authority().equals(a)))
                    .max(Enum::compareTo).orElse(null);
            return new Caller("oidc:" + j.getName(), role);
        }
        throw new IllegalStateException("no authenticated caller");
    }

    /** The authentication of a request that presented a valid Labforge token. */
    static final class TokenAuthentication extends AbstractAuthenticationToken {
        private static final long serialVersionUID = 1L;
        private final transient ApiTokens.Holder holder;

        TokenAuthentication(ApiTokens.Holder holder) {
            super(authorities(holder.role()));
            this.holder = holder;
            setAuthenticated(true);
        }

        private static Collection<? extends GrantedAuthority> authorities(Role role) {
            return List.of(new SimpleGrantedAuthority(role.authority()));
        }

        ApiTokens.Holder holder() {
            return holder;
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return holder.actor();
        }

        @Override
        public String getName() {
            return holder.actor();
        }
    }
}
