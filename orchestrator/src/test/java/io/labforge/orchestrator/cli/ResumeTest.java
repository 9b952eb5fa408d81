package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.messaging.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code labforge resume SAGA --host H}: its exit code. */
class ResumeTest {
    @Test
    void aResumeOfSomeHostsIsDoneWhenTheyHaveNoFailedStepLeftWhateverWaitsOnTheOthers() {
        LabforgeCli.Resume resume = new LabforgeCli.Resume();
        resume.hosts = List.of("node3");
        assertThat(resume.noFailedStepOnTheHosts(Json.read("""
                {"status": "PAUSED", "steps": [{"target": "node3", "state": "SUCCEEDED"}, {"target": "node1", "state": "FAILED"}]}
                """))).isTrue();
        assertThat(resume.noFailedStepOnTheHosts(Json.read("""
                {"status": "PAUSED", "steps": [{"target": "node3", "state": "FAILED"}, {"target": "node1", "state": "FAILED"}]}
                """))).isFalse();
    }
}
