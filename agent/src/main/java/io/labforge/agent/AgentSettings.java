package io.labforge.agent;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's configuration ({@code labforge.agent.*}), written by {@code labforge hosts bootstrap} to
 * {@code /etc/labforge/agent.properties}. Read from that file ({@code --config=FILE}) and from
 * {@code --labforge.agent.NAME=VALUE} arguments, which win. Plain Java: the agent has no framework to
 * read it for it.
 *
 * @param hostId the host this agent is, as named in the lab
 * @param bootstrapServers Kafka
 * @param orchestratorPublicKey the orchestrator's Ed25519 public key (Base64 X.509); or
 * @param orchestratorPublicKeyFile a file holding it
 * @param orchestratorSealingKey the orchestrator's HPKE public key: secret outputs are sealed to it (without it the
 *        agent fails a step that produces a secret rather than send it in clear); or
 * @param orchestratorSealingKeyFile a file holding it
 * @param root {@code /} in production; another directory in tests on a machine the agent must not change
 * @param stateDir where the journal and the agent's keys live
 * @param heartbeat how often the agent says it is alive
 */
public record AgentSettings(
        String hostId,
        String bootstrapServers,
        String orchestratorPublicKey,
        Path orchestratorPublicKeyFile,
        String orchestratorSealingKey,
        Path orchestratorSealingKeyFile,
        Path root,
        Path stateDir,
        Duration heartbeat) {

    static final String PREFIX = "labforge.agent.";
    static final Set<String> NAMES = Set.of("host-id", "bootstrap-servers", "orchestrator-public-key", "orchestrator-public-key-file",
            "orchestrator-sealing-key", "orchestrator-sealing-key-file", "root", "state-dir", "heartbeat");

    public AgentSettings {
        if (hostId == null || hostId.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "host-id is not set: the agent must know which host it is");
        }
        if (bootstrapServers == null) {
            bootstrapServers = "localhost:9092";
        }
        if (root == null) {
            root = Path.of("/");
        }
        if (stateDir == null) {
            stateDir = Path.of("/var/lib/labforge-agent");
        }
        if (heartbeat == null) {
            heartbeat = Duration.ofSeconds(10);
        }
    }

    /** From {@code name → value} without the prefix (e.g. {@code host-id}); an unknown name is refused, naming the known ones. */
    public static AgentSettings of(Map<String, String> values) {
        for (String name : values.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown setting " + PREFIX + name + ": the agent knows " + PREFIX + "{"
                        + String.join(", ", NAMES.stream().sorted().toList()) + "}");
            }
        }
        return new AgentSettings(values.get("host-id"), values.get("bootstrap-servers"), values.get("orchestrator-public-key"),
                path(values.get("orchestrator-public-key-file")), values.get("orchestrator-sealing-key"),
                path(values.get("orchestrator-sealing-key-file")), path(values.get("root")), path(values.get("state-dir")),
                duration(values.get("heartbeat")));
    }

    /**
     * From the command line: {@code --config=FILE} (a properties file; the form the units of earlier
     * versions wrote, {@code --spring.config.additional-location=file:FILE}, too) and
     * {@code --labforge.agent.NAME=VALUE}, which win over the file.
     */
    public static AgentSettings fromArgs(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("argument '" + arg + "': give --config=FILE or --" + PREFIX + "NAME=VALUE");
            }
            String key = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            if (key.equals("config") || key.equals("spring.config.additional-location")) {
                values.putAll(file(Path.of(value.startsWith("file:") ? value.substring(5) : value)));
            } else if (key.startsWith(PREFIX)) {
                given.put(key.substring(PREFIX.length()), value);
            } else {
                throw new IllegalArgumentException("argument '" + arg + "': give --config=FILE or --" + PREFIX + "NAME=VALUE");
            }
        }
        values.putAll(given);
        return of(values);
    }

    /** The {@code labforge.agent.*} entries of a properties file (other entries are left to their readers). */
    public static Map<String, String> file(Path config) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + config, e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                out.put(name.substring(PREFIX.length()), p.getProperty(name).strip());
            }
        }
        return out;
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** {@code 500ms}, {@code 10s}, {@code 1m}, {@code 1h}, or ISO-8601 ({@code PT10S}). */
    static Duration duration(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        Matcher m = SIMPLE.matcher(s.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(PREFIX + "heartbeat '" + s + "' is not a duration: give e.g. 10s, 500ms or PT10S");
        }
    }
}
