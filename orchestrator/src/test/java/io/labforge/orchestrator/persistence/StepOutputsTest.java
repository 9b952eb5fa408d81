package io.labforge.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StepOutputsTest {
    final StepOutputs outputs = new StepOutputs(Postgres.freshDatabase());

    @Test
    void aStepsLinesComeBackInOrderTheLastOnesWhenLimitedAndOnlyItsOwn() {
        UUID saga = UUID.randomUUID();
        outputs.append(saga, List.of(new StepOutputs.Line("a@h1", "one"), new StepOutputs.Line("b@h1", "other step")), Instant.now());
        outputs.append(saga, List.of(new StepOutputs.Line("a@h1", "two"), new StepOutputs.Line("a@h1", "three")), Instant.now());
        outputs.append(UUID.randomUUID(), List.of(new StepOutputs.Line("a@h1", "another saga")), Instant.now());

        assertThat(outputs.of(saga, "a@h1", 100)).containsExactly("one", "two", "three");
        assertThat(outputs.of(saga, "a@h1", 2)).containsExactly("two", "three");
        assertThat(outputs.of(saga, "c@h1", 100)).isEmpty();
    }

    @Test
    void aVeryLongLineIsCut() {
        UUID saga = UUID.randomUUID();
        outputs.append(saga, List.of(new StepOutputs.Line("a@h1", "x".repeat(10_000))), Instant.now());
        assertThat(outputs.of(saga, "a@h1", 1).get(0)).hasSize(StepOutputs.MAX_LINE + 2).endsWith(" …");
    }
}
