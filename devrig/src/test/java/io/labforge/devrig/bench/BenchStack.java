package io.labforge.devrig.bench;

import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.orchestrator.OrchestratorApplication;
import io.labforge.orchestrator.runtime.OrchestratorRuntime;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** What the benchmarks run against: embedded PostgreSQL and Kafka, and one orchestrator in this process that owns the sagas. */
record BenchStack(EmbeddedServices infra, ConfigurableApplicationContext ctx) implements AutoCloseable {

    /** Starts it all under {@code dir}; the orchestrator keeps its keys in {@code dir/orchestrator}. */
    static BenchStack start(Path dir) {
        return start(dir, null);
    }

    /** As {@link #start(Path)}, with Kafka also reachable at {@code advertisedHost} (lab hosts on a bridge reach it there). */
    static BenchStack start(Path dir, String advertisedHost) {
        EmbeddedServices infra = EmbeddedServices.start(dir.resolve("infra"), 0, advertisedHost, dir.resolve("orchestrator"));
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(OrchestratorApplication.class).run(
                "--server.port=0", "--spring.datasource.url=" + infra.newDatabase("labforge"), "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres", "--labforge.bootstrap-servers=" + infra.kafkaBootstrapServers(),
                "--labforge.state-dir=" + dir.resolve("orchestrator"), "--logging.level.root=WARN");
        Awaitility.await("the orchestrator owns the sagas").atMost(Duration.ofMinutes(1)).until(ctx.getBean(OrchestratorRuntime.class)::isLeader);
        return new BenchStack(infra, ctx);
    }

    <T> T bean(Class<T> type) {
        return ctx.getBean(type);
    }

    @Override
    public void close() {
        ctx.close();
        infra.close();
    }
}
