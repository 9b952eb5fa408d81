package io.labforge.orchestrator.api;

import io.labforge.orchestrator.security.ApiTokens;
import io.labforge.orchestrator.security.Caller;
import io.labforge.orchestrator.security.Role;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/tokens}, for admins: make a token (its value is in this one answer), list them, revoke one. */
@RestController
@RequestMapping("/api/tokens")
public class TokenController {
    private final ApiTokens tokens;

    public TokenController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    /** What to make: {@code {"name": "ci-runner", "role": "operator"}}. */
    public record NewToken(String name, String role) {
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<ApiTokens.Issued> create(@RequestBody NewToken body, Authentication auth) {
        if (body.role() == null) {
            throw new IllegalArgumentException("role: give the token's role: viewer, operator or admin");
        }
        ApiTokens.Issued t = tokens.create(body.name(), Role.of(body.role()), Caller.of(auth).actor());
        return ResponseEntity.created(URI.create("/api/tokens/" + t.id())).body(t);
    }

    @GetMapping
    public List<ApiTokens.Info> list() {
        return tokens.list();
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> revoke(@PathVariable String id, Authentication auth) {
        return tokens.revoke(id, Caller.of(auth).actor()) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }
}
