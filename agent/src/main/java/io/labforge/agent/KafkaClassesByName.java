package io.labforge.agent;

import java.util.List;
import org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever;
import org.apache.kafka.common.security.oauthbearer.DefaultJwtValidator;

/**
 * Classes Kafka's client loads by name: the defaults of its class-valued settings
 * ({@code sasl.oauthbearer.jwt.retriever.class}, {@code sasl.oauthbearer.jwt.validator.class}), which its
 * config classes resolve when they are first used, whatever the client's own settings. The agent's jar keeps
 * only the classes its code reaches (the shade plugin's {@code minimizeJar}); naming them here keeps these.
 * {@code AgentJarIT} fails when the jar misses a class the agent needs.
 */
final class KafkaClassesByName {
    static final List<Class<?>> CLASSES = List.of(DefaultJwtRetriever.class, DefaultJwtValidator.class);

    private KafkaClassesByName() {
    }
}
