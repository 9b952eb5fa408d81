package io.labforge.orchestrator.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code labforge pause SAGA}: a running saga sends nothing more; the steps in flight finish and keep their results.
 * {@code labforge resume SAGA} goes on where it stopped, {@code labforge compensate SAGA} undoes it (an operator's token).
 */
@Command(name = "pause", description = "Pauses a running saga: nothing more is sent, the steps in flight finish; resume goes on.")
public class PauseCommand implements Callable<Integer> {
    @CommandLine.Mixin
    LabforgeCli.Remote remote;
    @Parameters(paramLabel = "SAGA")
    String saga;

    @Override
    public Integer call() {
        JsonNode s = remote.api().post("/api/sagas/" + saga + "/pause", null);
        long inFlight = 0;
        for (JsonNode st : s.path("steps")) {
            String state = st.path("state").asString();
            inFlight += state.equals("DISPATCHED") || state.equals("RUNNING") ? 1 : 0;
        }
        LabforgeCli.OUT.println("saga " + saga + ": " + s.path("status").asString() + (inFlight == 0 ? "" : "; " + inFlight
                + " step(s) in flight finish") + ". Go on with: labforge resume " + saga + " (or undo it: labforge compensate " + saga + ")");
        return 0;
    }
}
