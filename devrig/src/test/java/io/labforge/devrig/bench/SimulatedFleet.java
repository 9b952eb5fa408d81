package io.labforge.devrig.bench;

import io.labforge.agent.executor.noop.NoopExecutor;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Topics;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.tls.Pki;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Journal;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.orchestrator.runtime.KafkaSetup;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * N simulated hosts for the benchmark: the agent's own {@link CommandProcessor} (signature check,
 * journal, events) with the no-op executor, behind one Kafka consumer for the whole fleet instead
 * of one per host, so the figures measure Labforge's overhead, not a thousand JVMs. Hosts work in
 * parallel as real ones do: each host's commands go, in order, to one of a few worker threads.
 */
final class SimulatedFleet implements Runnable, AutoCloseable {
    private final Map<String, CommandProcessor> hosts = new HashMap<>();
    private final Bus bus;
    private final Journal journal;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean ready;
    private final Thread thread;
    /** Per command: from the orchestrator writing it (issuedAt) to the host's answer (the event's issuedAt), in ns. */
    final List<Long> commandToEvent = Collections.synchronizedList(new ArrayList<>());
    /** Per command: from the relay publishing it on Kafka (the record's timestamp) to the host's answer, in ns. */
    final List<Long> publishedToEvent = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService[] workers = new ExecutorService[4];

    /**
     * {@code register}: registers each simulated host's identity with the orchestrator (each host signs its
     * events with a key of its own, as a real agent does, so the figures include signing and checking).
     */
    SimulatedFleet(List<String> hostIds, PublicKey key, Bus bus, Path stateDir, Consumer<WorkerIdentity> register) {
        this.bus = bus;
        this.journal = new Journal(stateDir.resolve("fleet-journal.jsonl"));
        CommandVerifier verifier = new CommandVerifier(key);
        String sealing = Sealing.generate().publicKey(); // no secrets in the benchmark: one sealing key for the fleet
        String busCsr = Pki.csr(Pki.newKey(), "fleet"); // and one consumer for the fleet, on the bus as the orchestrator
        for (String h : hostIds) {
            KeyPair own = Keys.generate();
            register.accept(new WorkerIdentity(h, Keys.encodePublic(own.getPublic()), sealing, busCsr));
            hosts.put(h, new CommandProcessor(new EnvelopeSigner(h, own.getPrivate()), verifier, List.of(new NoopExecutor()), journal,
                    new HostRoot(stateDir.resolve("root")), Clock.systemUTC()));
        }
        for (int i = 0; i < workers.length; i++) {
            String name = "sim-host-" + i;
            workers[i] = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
        }
        thread = new Thread(this, "simulated-fleet");
        thread.start();
    }

    /** True once the fleet reads the command topic from its end. */
    public boolean ready() {
        return ready;
    }

    @Override
    public void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSetup.consumer(bus, "labforge-bench-fleet"));
                KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSetup.producer(bus))) {
            consumer = c;
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.AGENT_COMMANDS).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position);
            ready = true;
            while (running) {
                List<Future<RecordMetadata>> acks = Collections.synchronizedList(new ArrayList<>());
                List<Future<?>> work = new ArrayList<>();
                var records = c.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> r : records) {
                    CommandProcessor host = hosts.get(r.key());
                    if (host != null) {
                        work.add(workers[Math.floorMod(r.key().hashCode(), workers.length)].submit(() -> {
                            Envelope cmd = Envelope.fromBytes(r.value());
                            host.handle(cmd, ev -> {
                                if (ev.type().equals("step.Succeeded")) {
                                    commandToEvent.add(Duration.between(cmd.issuedAt(), ev.issuedAt()).toNanos());
                                    publishedToEvent.add((ev.issuedAt().toEpochMilli() - r.timestamp()) * 1_000_000);
                                }
                                acks.add(p.send(new ProducerRecord<>(Topics.STEP_EVENTS, ev.sagaId(), ev.toBytes())));
                            });
                        }));
                    }
                }
                // the hosts work while the next commands are fetched (each real host has its own CPU and
                // consumer); offsets are not committed: a benchmark fleet is never restarted
                acks.clear();
            }
        } catch (WakeupException e) {
            // stopping
        } catch (Exception e) {
            throw new IllegalStateException("simulated fleet stopped", e);
        }
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (var w : workers) {
            w.shutdownNow();
        }
        journal.close();
    }
}
