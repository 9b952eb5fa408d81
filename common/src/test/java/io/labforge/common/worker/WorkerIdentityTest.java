package io.labforge.common.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.messaging.Envelope;
import io.labforge.common.signing.EnvelopeVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's identity: made once where it runs, private halves mode 600, summed up in identity.json. */
class WorkerIdentityTest {
    @TempDir
    Path state;

    @Test
    void madeOnceKeptPrivateAndTheSameOnTheNextStart() throws Exception {
        WorkerIdentity.Loaded first = WorkerIdentity.loadOrCreate(state, "node1");
        WorkerIdentity.Loaded again = WorkerIdentity.loadOrCreate(state, "node1");
        assertThat(again.identity()).isEqualTo(first.identity());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("identity.key")))).isEqualTo("rw-------");
        assertThat(WorkerIdentity.parse(Files.readString(state.resolve(WorkerIdentity.FILE)))).isEqualTo(first.identity());
        assertThat(Files.readString(state.resolve(WorkerIdentity.FILE))).doesNotContain(Files.readString(state.resolve("identity.key")).strip());

        Envelope e = first.signer().sign(Envelope.of(new StepEvent.Started("node1"), "lab", "saga", "s@node1", 1, "node1", null,
                Instant.now(), null, false));
        assertThat(e.signer()).isEqualTo("node1");
        assertThat(new EnvelopeVerifier(Keys.decodePublic(first.identity().signingKey())).verify(e)).isTrue();
        assertThat(first.identity().fingerprint()).startsWith("SHA256:").hasSize(23);
    }

    @Test
    void aBadIdentityNamesWhatIsWrong() {
        String key = Keys.encodePublic(Keys.generate().getPublic());
        assertThatThrownBy(() -> new WorkerIdentity("orchestrator", key, "x")).hasMessageContaining("worker");
        assertThatThrownBy(() -> new WorkerIdentity("Node 1", key, "x")).hasMessageContaining("worker");
        assertThatThrownBy(() -> new WorkerIdentity("node1", "bm90IGEga2V5", "x")).hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> new WorkerIdentity("node1", key, null)).hasMessageContaining("sealingKey");
        assertThatThrownBy(() -> WorkerIdentity.parse("{\"worker\": \"node1\"}")).hasMessageContaining("not a worker identity")
                .hasMessageContaining("signingKey");
    }
}
