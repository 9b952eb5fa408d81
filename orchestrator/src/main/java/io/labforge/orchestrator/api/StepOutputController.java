package io.labforge.orchestrator.api;

import io.labforge.common.id.SagaId;
import io.labforge.orchestrator.persistence.StepOutputs;
import io.labforge.orchestrator.runtime.SagaNotFound;
import io.labforge.orchestrator.runtime.SagaReads;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What a step's worker said while it ran (its output lines), kept with the saga. */
@RestController
@RequestMapping("/api/sagas")
public class StepOutputController {
    private final StepOutputs outputs;
    private final SagaReads reads;

    public StepOutputController(StepOutputs outputs, SagaReads reads) {
        this.outputs = outputs;
        this.reads = reads;
    }

    /** The step's output, oldest line first: its last {@code limit} lines (default 1000, at most 10,000). */
    public record Output(String step, List<String> lines) {
    }

    @GetMapping("/{id}/steps/{step}/output")
    public Output output(@PathVariable String id, @PathVariable String step, @RequestParam(defaultValue = "1000") int limit) {
        SagaId sid = SagaId.parse(id);
        reads.snapshot(sid).orElseThrow(() -> new SagaNotFound(id));
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        return new Output(step, outputs.of(sid.value(), step, Math.min(limit, 10_000)));
    }
}
