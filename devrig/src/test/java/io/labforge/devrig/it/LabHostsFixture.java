package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.lab.Lab;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.devrig.labhosts.Cmd;
import io.labforge.devrig.labhosts.LocalLab;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What the integration tests on real lab hosts share: the lab's local hosts (containers or VMs; the
 * test is skipped, with the reason printed, where they cannot run), embedded PostgreSQL and Kafka
 * reachable from the hosts, an orchestrator, the agent's bootstrap over SSH, commands on a host.
 */
final class LabHostsFixture implements AutoCloseable {
    final Lab lab;
    final Path dir;
    final Path home;
    final LocalLab local;
    EmbeddedServices services;
    Harness h;

    /** Checks that the lab's hosts can run here; skips the calling test otherwise. */
    LabHostsFixture(String test, Lab lab, Path dir) {
        this.lab = lab;
        this.dir = dir;
        // as ./labforge keeps it (~/.labforge): the README's lines run with userHome() share the lab's key and known hosts
        this.home = userHome().resolve(".labforge");
        this.local = new LocalLab(lab, home);
        Optional<String> missing = local.unavailable();
        if (missing.isPresent()) {
            System.out.println("SKIPPED " + test + ": " + missing.get());
        }
        Assumptions.assumeTrue(missing.isEmpty(), () -> "the lab's hosts cannot run here: " + missing.get());
    }

    /** The home directory of the {@code ./labforge} runs that share this fixture's {@code ~/.labforge} ({@link #home}). */
    Path userHome() {
        return dir.resolve("user");
    }

    /** Starts the hosts ({@code fresh}: what a previous run left is removed first) and waits for SSH. */
    LabHostsFixture up(Duration timeout, boolean fresh) {
        if (fresh) {
            local.down();
        }
        local.up(timeout);
        return this;
    }

    /** PostgreSQL, Kafka (advertised on {@code kafkaAddress}, where the hosts reach this machine) and an orchestrator. */
    LabHostsFixture services(String kafkaAddress) {
        services = EmbeddedServices.start(dir.resolve("infra"), 0, kafkaAddress, dir.resolve("orchestrator-state"));
        h = new Harness(dir, services);
        h.startOrchestrator();
        return this;
    }

    HostBootstrap bootstrapper() {
        return bootstrapper(Path.of("..", "agent", "target", "labforge-agent-exec.jar"));
    }

    HostBootstrap bootstrapper(Path agentJar) {
        return new HostBootstrap(agentJar, home.resolve("known_hosts"),
                new HostBootstrap.Login("root", local.privateKey(), null), services.kafkaBootstrapServers(), h.publicKey, h.sealingKey, h::register);
    }

    /** The agent on every host of the lab; each must succeed. */
    void bootstrapAll() {
        java.sql.Timestamp started = java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1));
        List<HostBootstrap.Outcome> out = bootstrapper().all(lab.hosts().stream().map(x -> new String[] {x.name(), x.address()}).toList());
        assertThat(out).allSatisfy(o -> assertThat(o.ok()).as(o.host() + ": " + o.detail()).isTrue());
        // as labforge hosts bootstrap does: a lab is refused until its hosts' agents have announced themselves
        org.awaitility.Awaitility.await("the agents announce themselves").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> h.jdbc().queryForObject("SELECT count(*) FROM host WHERE lab_host = ANY (?) AND announced_at >= ?", Integer.class,
                        lab.hostNames().toArray(new String[0]), started) == lab.hosts().size());
    }

    /** Runs a command on a host as root (argv, no shell) and returns its output; it must succeed. */
    String on(String host, String... argv) {
        Cmd.Result r = local.exec(host, argv);
        assertThat(r.ok()).as(String.join(" ", argv) + " on " + host + ": " + r.out()).isTrue();
        return r.out();
    }

    @Override
    public void close() {
        if (h != null) {
            h.close();
        }
        if (services != null) {
            services.close();
        }
        local.down();
    }
}
