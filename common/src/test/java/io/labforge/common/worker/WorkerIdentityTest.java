package io.labforge.common.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.messaging.Envelope;
import io.labforge.common.signing.EnvelopeVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.common.tls.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
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
        // the same keys, and the same identity: its certificate request is read back, not signed anew at each start
        assertThat(again.identity()).isEqualTo(first.identity());
        assertThat(again.identity().signingKey()).isEqualTo(first.identity().signingKey());
        assertThat(again.identity().sealingKey()).isEqualTo(first.identity().sealingKey());
        assertThat(again.identity().busKey()).isEqualTo(first.identity().busKey()).isEqualTo(first.busKey().getPublic());
        for (String key : List.of("identity.key", "sealing.key", WorkerIdentity.BUS_KEY)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(key)))).as(key).isEqualTo("rw-------");
        }
        assertThat(WorkerIdentity.parse(Files.readString(state.resolve(WorkerIdentity.FILE)))).isEqualTo(again.identity());
        assertThat(Files.readString(state.resolve(WorkerIdentity.FILE))).doesNotContain(Files.readString(state.resolve("identity.key")).strip());

        Envelope e = first.signer().sign(Envelope.of(new StepEvent.Started("node1"), "lab", "saga", "s@node1", 1, "node1", null,
                Instant.now(), null, false));
        assertThat(e.signer()).isEqualTo("node1");
        assertThat(new EnvelopeVerifier(Keys.decodePublic(first.identity().signingKey())).verify(e)).isTrue();
        assertThat(first.identity().fingerprint()).startsWith("SHA256:").hasSize(23);
    }

    @Test
    void anIdentityThatNoLongerMatchesItsKeysIsWrittenAgain() throws Exception {
        WorkerIdentity first = WorkerIdentity.loadOrCreate(state, "node1").identity();
        // the bus key lost (a new one is made): the request must be for the new key
        Files.delete(state.resolve(WorkerIdentity.BUS_KEY));
        WorkerIdentity.Loaded renewed = WorkerIdentity.loadOrCreate(state, "node1");
        assertThat(renewed.identity().busKey()).isEqualTo(renewed.busKey().getPublic()).isNotEqualTo(first.busKey());
        assertThat(WorkerIdentity.parse(Files.readString(state.resolve(WorkerIdentity.FILE)))).isEqualTo(renewed.identity());
        // another worker's name on the same keys, and a file that is not an identity: both written again
        assertThat(WorkerIdentity.loadOrCreate(state, "node2").identity().worker()).isEqualTo("node2");
        Files.writeString(state.resolve(WorkerIdentity.FILE), "{not json");
        assertThat(WorkerIdentity.loadOrCreate(state, "node2").identity().busCsr()).contains("CERTIFICATE REQUEST");
        assertThat(WorkerIdentity.parse(Files.readString(state.resolve(WorkerIdentity.FILE))).worker()).isEqualTo("node2");
    }

    @Test
    void withoutItsBusCertificateAWorkerSaysHowToGetOne() {
        WorkerIdentity.Loaded keys = WorkerIdentity.loadOrCreate(state, "node1");
        assertThatThrownBy(() -> keys.busTls(state)).hasMessageContaining("no bus certificate").hasMessageContaining("hosts bootstrap");
    }

    @Test
    void aBadIdentityNamesWhatIsWrong() {
        String key = Keys.encodePublic(Keys.generate().getPublic());
        String csr = Pki.csr(Pki.newKey(), "node1");
        assertThatThrownBy(() -> new WorkerIdentity("orchestrator", key, "x", csr)).hasMessageContaining("worker");
        assertThatThrownBy(() -> new WorkerIdentity("Node 1", key, "x", csr)).hasMessageContaining("worker");
        assertThatThrownBy(() -> new WorkerIdentity("node1", "bm90IGEga2V5", "x", csr)).hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> new WorkerIdentity("node1", key, null, csr)).hasMessageContaining("sealingKey");
        assertThatThrownBy(() -> new WorkerIdentity("node1", key, "x", null)).hasMessageContaining("busCsr");
        assertThatThrownBy(() -> WorkerIdentity.parse("{\"worker\": \"node1\"}")).hasMessageContaining("not a worker identity")
                .hasMessageContaining("signingKey");
    }
}
