package io.labforge.orchestrator.api;

import io.labforge.common.worker.Registration;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.orchestrator.security.Caller;
import io.labforge.orchestrator.trust.WorkerIdentities;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/workers}: the identities of the workers whose messages the orchestrator believes. An admin
 * registers one ({@code hosts bootstrap} for a host, {@code labforge workers enrol} for a service); anyone
 * who may read lists them (fingerprints only).
 */
@RestController
@RequestMapping("/api/workers")
public class WorkerController {
    private final WorkerIdentities identities;

    public WorkerController(WorkerIdentities identities) {
        this.identities = identities;
    }

    /**
     * Registers the identity ({@code identity.json} as the worker wrote it) of the worker named in the path;
     * answers with its bus certificate, for the worker's state directory.
     */
    @PutMapping(path = "/{worker}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Registration register(@PathVariable String worker, @RequestBody String body, Authentication auth) {
        WorkerIdentity id = WorkerIdentity.parse(body);
        if (!id.worker().equals(worker)) {
            throw new IllegalArgumentException("worker: the identity is " + id.worker() + "'s, not " + worker + "'s");
        }
        return identities.register(id, Caller.of(auth).actor());
    }

    /**
     * Removes a worker's identity once its agent was uninstalled ({@code labforge hosts uninstall}):
     * {@code removed} says what was taken off the host, for the audit row. 404 when none is registered.
     */
    @DeleteMapping("/{worker}")
    public ResponseEntity<Void> remove(@PathVariable String worker, @RequestParam(required = false) String removed, Authentication auth) {
        return identities.remove(worker, Caller.of(auth).actor(), removed) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    @GetMapping
    public List<WorkerIdentities.Registered> list() {
        return identities.list();
    }
}
