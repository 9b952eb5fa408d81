package io.labforge.orchestrator.cli;

import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.common.net.Dns;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code labforge auditors add|remove|list}: tools outside Labforge that read the audit log from Kafka's
 * {@value Topics#AUDIT} topic (CloudEvents, signed by the orchestrator) with a certificate of their own, read-only.
 * {@code add} makes the auditor's key here (it never leaves this machine), has the orchestrator certify it, and writes
 * a Kafka client configuration any Kafka consumer takes ({@code kafka-console-consumer.sh --consumer.config}).
 */
@Command(name = "auditors", mixinStandardHelpOptions = true, description = "Readers of the audit topic (" + Topics.AUDIT + "), read-only.",
        subcommands = {AuditorsCommand.Add.class, AuditorsCommand.Remove.class, AuditorsCommand.ListCmd.class})
public class AuditorsCommand {
    static final String KEY = "auditor.key";
    static final String CERTIFICATE = "auditor.crt";
    static final String CA = "bus-ca.crt";
    static final String PROPERTIES = "kafka.properties";

    @Command(name = "add", description = "Makes an auditor's key and certificate and writes its Kafka settings to DIR. Needs an admin token.")
    static class Add implements Callable<Integer> {
        @CommandLine.Mixin
        LabforgeCli.Remote remote;
        @Parameters(paramLabel = "NAME", description = "the auditor's name (a DNS label, e.g. siem)")
        String name;
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "where its key (mode 600), certificate and kafka.properties go")
        Path dir;
        @Option(names = "--kafka", required = true, paramLabel = "HOST:PORT", description = "the broker as the auditor reaches it")
        String kafka;

        @Override
        public Integer call() throws IOException {
            try {
                Dns.label("NAME", name);
            } catch (IllegalArgumentException e) {
                throw new CliError(e.getMessage());
            }
            KeyPair key = Pki.newKey();
            JsonNode g = remote.api().putJson("/api/auditors/" + name, Json.write(Json.object().put("busCsr", Pki.csr(key, "auditor-" + name))));
            Files.createDirectories(dir);
            Path keyFile = dir.resolve(KEY).toAbsolutePath();
            // Kafka's PEM key store: the key (PKCS#8) and its certificate in one file, mode 600
            Path tmp = Files.createTempFile(dir, ".key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Pki.pkcs8Pem(key.getPrivate()) + g.get("busCertificate").asString());
            Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(dir.resolve(CERTIFICATE), g.get("busCertificate").asString());
            Files.writeString(dir.resolve(CA), g.get("busCa").asString());
            String group = g.get("group").asString();
            Files.writeString(dir.resolve(PROPERTIES), "# Labforge auditor " + name + " (" + g.get("busPrincipal").asString() + "): reads "
                    + Topics.AUDIT + ", each record a CloudEvent (JSON), signed by the orchestrator\n"
                    + "# e.g. kafka-console-consumer.sh --bootstrap-server " + kafka + " --topic " + Topics.AUDIT
                    + " --consumer.config " + dir.resolve(PROPERTIES).toAbsolutePath() + " --from-beginning\n"
                    + "bootstrap.servers=" + kafka + "\nsecurity.protocol=SSL\ngroup.id=" + group + "\n"
                    + "ssl.keystore.type=PEM\nssl.keystore.location=" + keyFile + "\n"
                    + "ssl.truststore.type=PEM\nssl.truststore.location=" + dir.resolve(CA).toAbsolutePath() + "\n");
            LabforgeCli.OUT.println("auditor " + name + ": on Kafka as " + g.get("busPrincipal").asString() + ", may read " + Topics.AUDIT
                    + " in group " + group + " and nothing else; its settings: " + dir.resolve(PROPERTIES));
            return 0;
        }
    }

    @Command(name = "remove", description = "Takes an auditor's rights on Kafka. Needs an admin token.")
    static class Remove implements Callable<Integer> {
        @CommandLine.Mixin
        LabforgeCli.Remote remote;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            remote.api().delete("/api/auditors/" + name);
            LabforgeCli.OUT.println("auditor " + name + " removed: its certificate opens nothing on Kafka any more");
            return 0;
        }
    }

    @Command(name = "list", description = "The auditors: name, principal, when and by whom registered.")
    static class ListCmd implements Callable<Integer> {
        @CommandLine.Mixin
        LabforgeCli.Remote remote;

        @Override
        public Integer call() {
            LabforgeCli.OUT.printf("%-16s %-34s %-22s %s%n", "AUDITOR", "PRINCIPAL", "REGISTERED BY", "AT");
            for (JsonNode a : remote.api().get("/api/auditors")) {
                LabforgeCli.OUT.printf("%-16s %-34s %-22s %s%n", a.get("name").asString(), a.get("busPrincipal").asString(),
                        a.get("registeredBy").asString(), a.get("registeredAt").asString());
            }
            return 0;
        }
    }
}
