package io.labforge.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.agent.executor.AgentExecutors;
import io.labforge.common.agent.Noop;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.features.Features;
import io.labforge.common.lab.host.SetHostname;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

class CommandProcessorTest {
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    final KeyPair keys = Keys.generate();
    final EnvelopeSigner signer = EnvelopeSigner.orchestrator(keys.getPrivate());
    /** The agent's own key: it signs its events with it. */
    final KeyPair hostKeys = Keys.generate();
    final EnvelopeSigner host = new EnvelopeSigner("node1", hostKeys.getPrivate());
    @TempDir
    Path dir;
    CommandProcessor processor;
    final List<Envelope> events = new ArrayList<>();

    @BeforeEach
    void agent() throws IOException {
        Files.createDirectories(dir.resolve("root/etc"));
        processor = processor();
    }

    CommandProcessor processor() {
        return new CommandProcessor(host, new CommandVerifier(keys.getPublic()), AgentExecutors.all(),
                new Journal(dir.resolve("state/journal.jsonl")), new HostRoot(dir.resolve("root")),
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO, null);
    }

    Envelope command(Object payload, String target, Instant deadline) {
        return Envelope.of(payload, "lab", "saga-1", "hostname@node1", 1, target, null, NOW, deadline, false);
    }

    List<Object> payloads() {
        return events.stream().map(Features.TYPES::decode).toList();
    }

    @Test
    void runsASignedCommandAndReportsStartedThenSucceeded() throws IOException {
        processor.handle(signer.sign(command(new SetHostname("node1", null), "node1", NOW.plusSeconds(60))), events::add);

        assertThat(payloads()).hasSize(2).first().isInstanceOf(StepEvent.Started.class);
        assertThat(payloads().get(1)).isInstanceOfSatisfying(StepEvent.Succeeded.class, s -> assertThat(s.changed()).isTrue());
        assertThat(events).allSatisfy(e -> {
            assertThat(e.stepId()).isEqualTo("hostname@node1");
            assertThat(e.sagaId()).isEqualTo("saga-1");
        });
        assertThat(Files.readString(dir.resolve("root/etc/hostname"))).isEqualTo("node1\n");
    }

    @Test
    void aRedeliveredCommandIsAnsweredFromTheJournalEvenAfterARestart() {
        Envelope cmd = signer.sign(command(new SetHostname("node1", null), "node1", NOW.plusSeconds(60)));
        processor.handle(cmd, events::add);
        events.clear();

        processor().handle(cmd, events::add);

        assertThat(payloads()).singleElement().isInstanceOfSatisfying(StepEvent.Succeeded.class, s -> {
            assertThat(s.replayed()).isTrue();
            assertThat(s.changed()).isTrue();
        });
    }

    @Test
    void aCommandRedeliveredAfterItsDeadlineIsAnsweredFromTheJournalNotRefusedAsExpired() {
        Envelope cmd = signer.sign(command(new SetHostname("node1", null), "node1", NOW.plusSeconds(60)));
        processor.handle(cmd, events::add);
        events.clear();
        // the broker was away longer than the step's timeout: the command comes back after its deadline
        CommandProcessor later = new CommandProcessor(host, new CommandVerifier(keys.getPublic()), AgentExecutors.all(),
                new Journal(dir.resolve("state/journal.jsonl")), new HostRoot(dir.resolve("root")),
                Clock.fixed(NOW.plusSeconds(600), ZoneOffset.UTC), Duration.ZERO, null);

        later.handle(cmd, events::add);

        assertThat(payloads()).singleElement().isInstanceOfSatisfying(StepEvent.Succeeded.class, s -> assertThat(s.replayed()).isTrue());
        // one that never ran is still refused as expired, and a forged one is refused before the journal is read
        events.clear();
        later.handle(signer.sign(command(new SetHostname("node1", null), "node1", NOW.plusSeconds(60))), events::add);
        later.handle(cmd.withPayload(Json.object().put("hostname", "evil")), events::add);
        assertThat(payloads()).extracting(p -> ((StepEvent.CommandRejected) p).rejection())
                .containsExactly(StepEvent.Rejection.EXPIRED, StepEvent.Rejection.BAD_SIGNATURE);
    }

    @Test
    void aNewCommandForTheSameStepTypeAndAttemptRunsItIsNotARedelivery() {
        // a compensation may use its step's own command type (its attempt counter starts at 1 too)
        Envelope forward = signer.sign(command(new Noop(0, 0), "node1", NOW.plusSeconds(60)));
        Envelope undo = signer.sign(command(new Noop(0, 0), "node1", NOW.plusSeconds(60)));
        processor.handle(forward, events::add);
        processor.handle(undo, events::add);
        processor.handle(forward, events::add);

        assertThat(processor.executions("hostname@node1")).isEqualTo(2);
    }

    @Test
    void refusesUnsignedTamperedExpiredMisaddressedAndUnknownCommands() {
        Envelope good = command(new SetHostname("node1", null), "node1", NOW.plusSeconds(60));
        ObjectNode evil = ((ObjectNode) signer.sign(good).payload()).deepCopy().put("hostname", "evil");

        processor.handle(good, events::add);
        processor.handle(signer.sign(good).withPayload(evil), events::add);
        processor.handle(signer.sign(command(new SetHostname("node1", null), "node1", NOW.minusSeconds(1))), events::add);
        processor.handle(signer.sign(command(new SetHostname("node1", null), "node2", NOW.plusSeconds(60))), events::add);
        Envelope unknown = new Envelope(UUID.randomUUID(), "agent.FormatDisk", 1, "lab", "saga-1", "x", 1, "node1",
                null, NOW, NOW.plusSeconds(60), false, Json.object(), null, null);
        processor.handle(signer.sign(unknown), events::add);

        assertThat(payloads()).extracting(p -> ((StepEvent.CommandRejected) p).rejection()).containsExactly(
                StepEvent.Rejection.UNSIGNED, StepEvent.Rejection.BAD_SIGNATURE, StepEvent.Rejection.EXPIRED,
                StepEvent.Rejection.WRONG_TARGET, StepEvent.Rejection.UNKNOWN_TYPE);
        assertThat(dir.resolve("root/etc/hostname")).doesNotExist();
        assertThat(processor.executions("hostname@node1")).isZero();
    }

    @Test
    void aQuickStepIsReportedByItsEndAloneASlowOneAlsoAsStarted() {
        CommandProcessor delayed = new CommandProcessor(host, new CommandVerifier(keys.getPublic()), AgentExecutors.all(),
                new Journal(dir.resolve("state2/journal.jsonl")), new HostRoot(dir.resolve("root")),
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(2), null);
        // the threshold leaves room for a loaded machine: a quick step here is a no-op and two signatures
        List<Envelope> quick = new CopyOnWriteArrayList<>();
        delayed.handle(signer.sign(command(new Noop(0, 0), "node1", NOW.plusSeconds(60))), quick::add);
        assertThat(quick).extracting(Envelope::type).containsExactly("step.Succeeded");

        List<Envelope> slow = new CopyOnWriteArrayList<>();
        Envelope cmd = Envelope.of(new Noop(2500, 0), "lab", "saga-1", "slow@node1", 1, "node1", null, NOW,
                NOW.plusSeconds(60), false);
        delayed.handle(signer.sign(cmd), slow::add);
        assertThat(slow).extracting(Envelope::type).containsExactly("step.Started", "step.Succeeded");
    }

    @Test
    void aFailingAttemptSaysWhetherARetryCanHelp() {
        processor.handle(signer.sign(command(new Noop(0, 1), "node1", NOW.plusSeconds(60))), events::add);
        assertThat(payloads().get(1)).isInstanceOfSatisfying(StepEvent.Failed.class, f -> {
            assertThat(f.retryable()).isTrue();
            assertThat(f.reason()).contains("attempt 1");
        });
    }
}
