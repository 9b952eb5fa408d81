package io.labforge.common.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;

/**
 * Where Labforge's Kafka is and how a process proves who it is there: mutual TLS with a certificate of
 * Labforge's bus CA (the broker's own certificate comes from the same CA). There is no plaintext mode:
 * every client Labforge makes goes through here.
 */
public record Bus(String servers, Tls tls) {

    /**
     * A process's credentials on the bus: the CA it trusts, its certificate chain and its private key,
     * all PEM (the key unencrypted PKCS#8). The broker maps the certificate's common name to the
     * principal its ACLs name.
     */
    public record Tls(String caPem, String certificatePem, String keyPem) {
        public Tls {
            if (caPem == null || certificatePem == null || keyPem == null) {
                throw new IllegalArgumentException("the bus needs a CA certificate, a certificate and a key (mutual TLS)");
            }
        }

        @Override
        public String toString() {
            return "Tls[certificate only]";
        }

        /** Reads the three PEM files; the error names the missing one. */
        public static Tls fromFiles(Path ca, Path certificate, Path key) {
            return new Tls(read(ca), read(certificate), read(key));
        }

        private static String read(Path f) {
            try {
                return Files.readString(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + " (the bus credentials: a worker gets them when it is "
                        + "registered, by hosts bootstrap or labforge workers enrol)", e);
            }
        }

        void applyTo(Properties p) {
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            p.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, caPem);
            p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, certificatePem);
            p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, keyPem);
            p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https");
        }
    }

    public Bus {
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers given");
        }
        if (tls == null) {
            throw new IllegalArgumentException("the bus needs TLS credentials: Labforge talks to Kafka over mutual TLS only");
        }
    }

    /** {@link KafkaClients#producer} settings, over TLS. */
    public Properties producer() {
        Properties p = KafkaClients.producer(servers);
        tls.applyTo(p);
        return p;
    }

    /** {@link KafkaClients#consumer} settings, over TLS. */
    public Properties consumer(String group) {
        Properties p = KafkaClients.consumer(servers, group);
        tls.applyTo(p);
        return p;
    }

    /** Admin client settings, over TLS. */
    public Properties admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(AdminClientConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        tls.applyTo(p);
        return p;
    }
}
