package io.labforge.orchestrator.api;

import io.labforge.orchestrator.security.Caller;
import io.labforge.orchestrator.trust.Auditors;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Auditors of the audit topic (admin only): {@code labforge audit subscribe NAME} registers one with its certificate
 * request and writes the Kafka client settings it needs; the answer holds its certificate.
 */
@RestController
@RequestMapping("/api/auditors")
public class AuditorController {
    private final Auditors auditors;

    public AuditorController(Auditors auditors) {
        this.auditors = auditors;
    }

    /** What an auditor sends: its certificate request (PEM), made with its own key, which never leaves it. */
    public record Request(String busCsr) {
    }

    @PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Auditors.Grant register(@PathVariable String name, @RequestBody Request body, Authentication auth) {
        return auditors.register(name, body == null ? null : body.busCsr(), Caller.of(auth).actor());
    }

    @DeleteMapping("/{name}")
    public ResponseEntity<Void> remove(@PathVariable String name, Authentication auth) {
        return auditors.remove(name, Caller.of(auth).actor()) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    @GetMapping
    public List<Auditors.Registered> list() {
        return auditors.list();
    }
}
