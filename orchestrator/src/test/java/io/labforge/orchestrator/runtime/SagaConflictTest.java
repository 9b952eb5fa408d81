package io.labforge.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SagaConflictTest {
    @Test
    void aThousandHostsWithoutAnAgentAreNamedTenAtATimeInTheTextAndAllInTheProperty() {
        List<String> hosts = IntStream.range(0, 1000).mapToObj(i -> "b" + i).toList();
        SagaConflict c = SagaConflict.hostsNeverSeen(hosts);
        assertThat(c.getMessage()).contains("b0, b1", "b9 and 990 more (all in neverSeen)").doesNotContain("b10,");
        assertThat(SagaConflict.hostsNeverSeen(List.of("node2", "node3")).getMessage()).contains("on node2, node3:");
    }
}
