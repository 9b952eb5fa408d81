package io.labforge.agent;

import io.labforge.agent.executor.AgentExecutors;
import io.labforge.agent.runtime.Facts;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.lab.host.SetHostname;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Message;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.common.tls.Pki;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Journal;
import io.labforge.common.worker.WorkerIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Run by {@link AgentJarIT} in a JVM whose class path is the agent's jar (and this class): what an agent does at
 * its first start, at a restart and on a command, with the libraries it reads files with. The jar holds only the
 * classes its code reaches, so one loaded by name and left out fails here, in seconds, rather than on a host.
 */
public final class JarSmoke {
    private JarSmoke() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path state = dir.resolve("state");
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("etc"));

        // first start: the agent's keys and its request for a bus certificate; registration signs it
        WorkerIdentity.Loaded keys = WorkerIdentity.loadOrCreate(state, "node1");
        KeyPair caKey = Pki.newKey();
        X509Certificate ca = Pki.newCa(caKey, "smoke bus CA", Duration.ofDays(1));
        X509Certificate cert = Pki.sign(keys.identity().busCsr(), ca, caKey.getPrivate(), "node1", List.of(), List.of(),
                Pki.Usage.CLIENT, Duration.ofDays(1));
        Files.writeString(state.resolve(WorkerIdentity.BUS_CERTIFICATE), Pki.pem(cert));
        Files.writeString(state.resolve(WorkerIdentity.BUS_CA), Pki.pem(ca));

        // a restart reads them back; the Kafka clients are made with mutual TLS (no broker is needed to make them)
        keys = WorkerIdentity.loadOrCreate(state, "node1");
        Bus bus = new Bus("127.0.0.1:9", keys.busTls(state));
        new KafkaConsumer<String, byte[]>(bus.consumer("agent-node1")).close();
        new KafkaProducer<String, byte[]>(bus.producer()).close(Duration.ZERO);
        Facts.gather(new HostRoot(root), keys.sealing().publicKey());

        // a signed command runs, and its events are signed and decodable
        KeyPair orchestrator = Keys.generate();
        CommandProcessor processor = new CommandProcessor(keys.signer(), new CommandVerifier(orchestrator.getPublic()),
                AgentExecutors.all(), new Journal(state.resolve("journal.jsonl")), new HostRoot(root), Clock.systemUTC(),
                Duration.ZERO, new CommandProcessor.Secrets(keys.sealing(), null));
        Instant now = Instant.now();
        Envelope command = EnvelopeSigner.orchestrator(orchestrator.getPrivate()).sign(Envelope.of(new SetHostname("node1", null),
                "lab", "saga-1", "hostname@node1", 1, "node1", null, now, now.plusSeconds(60), false));
        List<Envelope> events = new ArrayList<>();
        processor.handle(command, events::add);
        Envelope last = events.get(events.size() - 1);
        check(last.type().equals(StepEvent.Succeeded.class.getAnnotation(Message.class).name()), "the command succeeded: " + last);
        check(Files.readString(root.resolve("etc/hostname")).equals("node1\n"), "/etc/hostname was written");

        // a secret sealed to the agent opens with its key
        byte[] sealed = Sealing.seal(keys.sealing().publicKey(), "smoke", "s3cret".getBytes(StandardCharsets.UTF_8));
        check(new String(Sealing.open(keys.sealing(), "smoke", sealed), StandardCharsets.UTF_8).equals("s3cret"), "a sealed secret opens");

        // the file formats the executors read: YAML (kubeconfig, stacks) and TOML (gitlab-runner's config)
        Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load("clusters:\n- name: lab\n");
        check(yaml.containsKey("clusters"), "YAML is read");
        check(new TomlMapper().readTree("concurrent = 4\n[[runners]]\nname = \"r\"\n").get("runners").get(0).get("name")
                .asString().equals("r"), "TOML is read");

        System.out.println("agent jar: ok");
        System.exit(0);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("not so: " + what);
        }
    }
}
