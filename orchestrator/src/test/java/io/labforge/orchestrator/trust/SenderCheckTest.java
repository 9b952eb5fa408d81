package io.labforge.orchestrator.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.common.tls.Pki;
import io.labforge.common.worker.Registration;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.orchestrator.audit.AuditEntry;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.persistence.Postgres;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Registered identities on a real PostgreSQL, and the check a worker's message passes before it is believed. */
class SenderCheckTest {
    JdbcTemplate jdbc;
    AuditLog audit;
    WorkerIdentities identities;
    SenderCheck check;
    final KeyPair node1Keys = Keys.generate();
    final Sealing.KeyPair node1Sealing = Sealing.generate();
    final KeyPair node1Bus = Pki.newKey();
    final WorkerIdentity node1 = new WorkerIdentity("node1", Keys.encodePublic(node1Keys.getPublic()), node1Sealing.publicKey(),
            Pki.csr(node1Bus, "node1"));
    /** What the identities asked of the broker: worker, principal, previous principal. */
    final List<List<String>> grants = new ArrayList<>();
    @TempDir
    Path state;
    final EnvelopeSigner asNode1 = new EnvelopeSigner("node1", node1Keys.getPrivate());

    @BeforeEach
    void database() {
        jdbc = Postgres.freshDatabase();
        audit = new AuditLog(jdbc);
        identities = new WorkerIdentities(jdbc, new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource())), audit,
                Clock.systemUTC(), BusCa.loadOrCreate(state), new BusAccess() {
                    @Override
                    public void grant(String w, String p, String old) {
                        grants.add(Arrays.asList(w, p, old));
                    }

                    @Override
                    public void grantAuditor(String p, String group) {
                        grants.add(Arrays.asList("auditor", p, group));
                    }

                    @Override
                    public void revoke(String p) {
                        grants.add(Arrays.asList("revoked", p));
                    }
                });
        check = new SenderCheck(identities);
    }

    static Envelope event(String worker) {
        return Envelope.of(new StepEvent.Started(worker), "lab", "3b241101-e2bb-4255-8caf-4136c566a962", "s@" + worker, 1, worker,
                null, Instant.now(), null, false);
    }

    static Envelope announce(String worker, String sealingKey) {
        return Envelope.of(new AgentPresence.Announced(worker, "1", new AgentPresence.Facts(worker, "Debian", "6", List.of(), List.of(),
                sealingKey)), null, null, null, 0, worker, null, Instant.now(), null, false);
    }

    @Test
    void registeringIsAuditedWithFingerprintsAndAChangeSaysWhatItReplaced() {
        Registration first = identities.register(node1, "token:admin");
        assertThat(first.change()).isEqualTo("registered");
        assertThat(identities.register(node1, "token:admin").change()).isEqualTo("unchanged");
        KeyPair newBus = Pki.newKey();
        WorkerIdentity rebuilt = new WorkerIdentity("node1", Keys.encodePublic(Keys.generate().getPublic()), node1Sealing.publicKey(),
                Pki.csr(newBus, "node1"));
        Registration second = identities.register(rebuilt, "token:admin");
        assertThat(second.change()).isEqualTo("replaced");

        // on the bus: a certificate for the key of the request, naming the principal the ACLs were granted to;
        // a new key is a new principal, and the old one loses its rights
        X509Certificate cert = Pki.certificate(first.busCertificate());
        assertThat(cert.getPublicKey()).isEqualTo(node1Bus.getPublic());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + first.busPrincipal());
        assertThat(first.busPrincipal()).startsWith("node1.").isNotEqualTo(second.busPrincipal());
        assertThat(grants).containsExactly(Arrays.asList("node1", first.busPrincipal(), null),
                Arrays.asList("node1", first.busPrincipal(), first.busPrincipal()),
                Arrays.asList("node1", second.busPrincipal(), first.busPrincipal()));
        List<AuditEntry> rows = audit.list(null, 0, 10);
        assertThat(rows).extracting(AuditEntry::action).containsExactly("identity.registered", "identity.replaced");
        assertThat(rows.get(1).detail().get("previousFingerprint").asString()).isEqualTo(node1.fingerprint());
        assertThat(rows.get(1).detail().get("fingerprint").asString()).isEqualTo(rebuilt.fingerprint());
        assertThat(identities.sealingKey("node1")).contains(node1Sealing.publicKey());
        assertThat(rows.get(1).detail().get("previousBusPrincipal").asString()).isEqualTo(first.busPrincipal());
        assertThat(identities.list()).singleElement().satisfies(r -> assertThat(r.fingerprint()).isEqualTo(rebuilt.fingerprint()));
    }

    @Test
    void aRemovedWorkerIsBelievedNoMoreLosesItsRightsAndTheRemovalIsAudited() {
        Registration r = identities.register(node1, "token:admin");
        assertThat(check.refusal(asNode1.sign(event("node1")))).isEmpty();

        assertThat(identities.remove("node1", "token:admin", "removed: unit, agent")).isTrue();
        assertThat(check.refusal(asNode1.sign(event("node1")))).hasValueSatisfying(x -> assertThat(x).contains("no registered worker"));
        assertThat(identities.sealingKey("node1")).isEmpty();
        assertThat(grants).last().isEqualTo(Arrays.asList("revoked", r.busPrincipal()));
        AuditEntry removed = audit.list(null, 0, 10).get(1);
        assertThat(removed.action()).isEqualTo("identity.removed");
        assertThat(removed.detail().get("fingerprint").asString()).isEqualTo(node1.fingerprint());
        assertThat(removed.detail().get("removedFromHost").asString()).isEqualTo("removed: unit, agent");
        // nothing registered: nothing to remove, nothing audited
        assertThat(identities.remove("node1", "token:admin", null)).isFalse();
        assertThat(audit.list(null, 0, 10)).hasSize(2);
    }

    @Test
    void onlyAMessageSignedByTheRegisteredKeyOfItsSignerIsBelieved() {
        identities.register(node1, "token:admin");
        assertThat(check.refusal(asNode1.sign(event("node1")))).isEmpty();

        assertThat(check.refusal(event("node1"))).contains("unsigned");
        EnvelopeSigner impostor = new EnvelopeSigner("node1", Keys.generate().getPrivate());
        assertThat(check.refusal(impostor.sign(event("node1")))).hasValueSatisfying(r -> assertThat(r).contains("not node1's registered key"));
        assertThat(check.refusal(new EnvelopeSigner("node9", Keys.generate().getPrivate()).sign(event("node9"))))
                .hasValueSatisfying(r -> assertThat(r).contains("no registered worker"));
        assertThat(check.refusal(EnvelopeSigner.orchestrator(Keys.generate().getPrivate()).sign(event("node1"))))
                .hasValueSatisfying(r -> assertThat(r).contains("orchestrator"));
        // node1's signature moved onto another message
        Envelope signed = asNode1.sign(event("node1"));
        assertThat(check.refusal(signed.withPayload(event("node2").payload()))).isPresent();
    }

    @Test
    void presenceMustSpeakForItsSignerAndAnnounceTheRegisteredSealingKey() {
        identities.register(node1, "token:admin");
        assertThat(check.presenceRefusal(asNode1.sign(announce("node1", node1Sealing.publicKey())),
                new AgentPresence.Announced("node1", "1", null))).isEmpty();

        Envelope forNode2 = asNode1.sign(announce("node2", node1Sealing.publicKey()));
        assertThat(check.presenceRefusal(forNode2, new AgentPresence.Announced("node2", "1", null)))
                .hasValueSatisfying(r -> assertThat(r).contains("speaks for node2"));

        String attackers = Sealing.generate().publicKey();
        Envelope newKey = asNode1.sign(announce("node1", attackers));
        assertThat(check.presenceRefusal(newKey, new AgentPresence.Announced("node1", "1",
                new AgentPresence.Facts("node1", "", "", List.of(), List.of(), attackers))))
                .hasValueSatisfying(r -> assertThat(r).contains("sealing key other than the one registered"));
        assertThat(identities.sealingKey("node1")).contains(node1Sealing.publicKey());
    }
}
