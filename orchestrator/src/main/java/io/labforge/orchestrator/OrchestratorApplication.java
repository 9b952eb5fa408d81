package io.labforge.orchestrator;

import io.labforge.common.signing.CommandSigner;
import io.labforge.common.signing.Keys;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.runtime.EventConsumer;
import io.labforge.orchestrator.runtime.OrchestratorRuntime;
import io.labforge.orchestrator.runtime.OutboxRelay;
import io.labforge.orchestrator.runtime.ProgressBus;
import io.labforge.orchestrator.runtime.SagaCoordinator;
import io.labforge.orchestrator.saga.SagaEngine;
import java.security.KeyPair;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The orchestrator's Spring wiring. Started by {@code labforge server} or {@code labforge demo}. */
@SpringBootApplication
@EnableConfigurationProperties(OrchestratorProperties.class)
public class OrchestratorApplication {

    @Bean
    KeyPair signingKeys(OrchestratorProperties props) {
        return Keys.loadOrCreate(props.stateDir());
    }

    @Bean
    SagaRepository sagaRepository(JdbcTemplate jdbc, OrchestratorProperties props) {
        return new SagaRepository(jdbc, io.labforge.orchestrator.persistence.SecretBox.loadOrCreate(props.stateDir()));
    }

    @Bean
    AuditLog auditLog(JdbcTemplate jdbc) {
        return new AuditLog(jdbc);
    }

    @Bean
    ProgressBus progressBus() {
        return new ProgressBus();
    }

    @Bean
    OutboxRelay outboxRelay(SagaRepository repo, OrchestratorProperties props) {
        return new OutboxRelay(repo, props.bootstrapServers());
    }

    @Bean
    SagaCoordinator sagaCoordinator(SagaRepository repo, AuditLog audit, PlatformTransactionManager txm, KeyPair keys,
            OutboxRelay relay, ProgressBus bus, OrchestratorProperties props) {
        return new SagaCoordinator(repo, audit, new TransactionTemplate(txm), new CommandSigner(keys.getPrivate()),
                new SagaEngine(props.maxInFlightPerHost()), Clock.systemUTC(), relay::wakeUp, bus,
                new io.labforge.orchestrator.local.LocalSteps(props.stateDir()));
    }

    @Bean
    OrchestratorRuntime orchestratorRuntime(DataSource ds, SagaCoordinator coordinator, OutboxRelay relay,
            OrchestratorProperties props) {
        return new OrchestratorRuntime(ds, coordinator, relay, new EventConsumer(coordinator, props.bootstrapServers()),
                props.tick(), props.bootstrapServers(), props.topicReplication());
    }
}
