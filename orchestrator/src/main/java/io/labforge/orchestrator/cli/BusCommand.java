package io.labforge.orchestrator.cli;

import io.labforge.common.messaging.Bus;
import io.labforge.orchestrator.security.ApiTokens;
import io.labforge.orchestrator.trust.BusCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code labforge bus broker-credentials}: the certificate and key of a Kafka broker run apart from
 * Labforge (docker-compose.yml's), signed by the orchestrator's bus CA, with the settings that make it
 * take mutual TLS only and obey the ACLs the orchestrator sets. Run where the orchestrator's state
 * directory is.
 */
@Command(name = "bus", mixinStandardHelpOptions = true, description = "Labforge's Kafka: credentials for a broker run apart.",
        subcommands = {BusCommand.BrokerCredentials.class})
public class BusCommand {

    @Command(name = "broker-credentials", description = "Writes a broker's key, certificate and CA (PEM) and its TLS/ACL settings "
            + "into DIR, from the orchestrator's bus CA.")
    static class BrokerCredentials implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "a name or address clients reach the broker by (repeat for each)")
        List<String> names;
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;
        @Option(names = "--state-dir", description = "the orchestrator's state directory (default ~/.labforge)")
        Path stateDir = LabforgeCli.home();

        @Override
        public Integer call() throws IOException {
            Bus.Tls tls = BusCa.loadOrCreate(stateDir).newBroker(names);
            Files.createDirectories(out);
            // a PEM key store: the private key and its certificate in one file (mode 600)
            ApiTokens.writePrivate(out.resolve("broker.pem"), tls.keyPem() + tls.certificatePem());
            Files.writeString(out.resolve("ca.crt"), tls.caPem());
            Files.writeString(out.resolve("server.properties.fragment"), """
                    # mutual TLS only, certificates of Labforge's bus CA; a certificate's CN is its principal
                    ssl.client.auth=required
                    ssl.keystore.type=PEM
                    ssl.keystore.location=%1$s/broker.pem
                    ssl.truststore.type=PEM
                    ssl.truststore.location=%1$s/ca.crt
                    ssl.principal.mapping.rules=RULE:^CN=([^,]+)$/$1/,DEFAULT
                    # nothing but what an ACL allows: the orchestrator grants each registered worker its rights
                    authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
                    super.users=User:broker;User:orchestrator
                    allow.everyone.if.no.acl.found=false
                    """.formatted("/etc/kafka/labforge"));
            LabforgeCli.OUT.println("broker credentials for " + String.join(", ", names) + " written to " + out
                    + " (broker.pem mode 600, ca.crt, server.properties.fragment; the files are read from /etc/kafka/labforge)");
            return 0;
        }
    }
}
