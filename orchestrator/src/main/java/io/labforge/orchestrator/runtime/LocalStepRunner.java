package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Envelope;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.local.LocalSteps;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the orchestrator's own steps (certificate signing, secrets, the lab's CA) off the saga loop, once
 * the transaction that dispatched them has committed, and feeds their answers back like a worker's
 * events. A crash before the answer is recorded leaves the step dispatched: it times out and runs again
 * (signing twice is harmless).
 */
final class LocalStepRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStepRunner.class);
    private final LocalSteps steps;
    private final Clock clock;
    private final Consumer<List<Envelope>> answers;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "local-steps"));

    LocalStepRunner(LocalSteps steps, Clock clock, Consumer<List<Envelope>> answers) {
        this.steps = steps;
        this.clock = clock;
        this.answers = answers;
    }

    void run(List<Envelope> commands) {
        for (Envelope cmd : commands) {
            worker.submit(() -> {
                StepEvent answer = steps.run(cmd);
                Envelope ev = Envelope.of(answer, cmd.labId(), cmd.sagaId(), cmd.stepId(), cmd.attempt(), cmd.target(),
                        cmd.messageId(), clock.instant(), null, cmd.dryRun()).withSigner(EnvelopeSigner.ORCHESTRATOR); // never leaves this process
                try {
                    answers.accept(List.of(ev));
                } catch (RuntimeException e) {
                    LOG.warn("could not record the answer of local step {}: {}", cmd.stepId(), e.toString());
                }
            });
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
