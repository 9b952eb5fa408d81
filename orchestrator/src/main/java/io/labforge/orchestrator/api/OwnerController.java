package io.labforge.orchestrator.api;

import io.labforge.orchestrator.runtime.Ownership;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/owner}: which orchestrator owns the sagas, as the database says, and whether it is this one. */
@RestController
@RequestMapping("/api")
public class OwnerController {
    private final Ownership ownership;

    public OwnerController(Ownership ownership) {
        this.ownership = ownership;
    }

    @GetMapping("/owner")
    public Map<String, Object> owner() {
        Ownership.Holder h = ownership.holder();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", h.leaseValid() ? h.instance() : null);
        m.put("epoch", h.epoch());
        m.put("this", ownership.instance());
        m.put("thisOwns", ownership.owns());
        return m;
    }
}
