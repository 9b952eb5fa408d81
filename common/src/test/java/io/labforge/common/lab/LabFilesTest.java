package io.labforge.common.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What travels with a lab: its stacks' directories, as text, nothing hidden, nothing too big. */
class LabFilesTest {
    static Map<String, String> collect(Path lab, String yaml) {
        return LabFiles.collect(lab, Features.PARSER.read(yaml));
    }

    @Test
    void theSwarmExampleSendsTheTp1AppsFiles() throws IOException {
        Path lab = Path.of("..", "examples", "swarm-lab.yaml");
        Map<String, String> files = collect(lab, Files.readString(lab));
        assertThat(files).containsKeys("tp1-app/docker-compose.yml", "tp1-app/web/app.py", "tp1-app/web/Dockerfile",
                "tp1-app/nginx/nginx.conf", "tp1-app/redis/Dockerfile");
        assertThat(files.get("tp1-app/web/app.py")).contains("INCR");
        assertThat(files.keySet()).allMatch(k -> k.startsWith("tp1-app/"));
        // and the parser finds them where the lab says
        assertThat(Features.PARSER.read(Files.readString(lab), files).ok()).isTrue();
    }

    @Test
    void aLabWithoutStacksSendsNothing() throws IOException {
        Path lab = Path.of("..", "examples", "local-lab.yaml");
        assertThat(collect(lab, Files.readString(lab))).isEmpty();
    }

    static final String LAB = """
            apiVersion: labforge/v1
            kind: Lab
            name: s
            hosts: [{name: m, address: 10.1.0.2}]
            swarm:
              managers: [m]
              stacks: [{name: app, source: app}]
            """;

    @Test
    void hiddenFilesStayBinaryFilesAndMissingDirectoriesAreRefusedWithTheReason(@TempDir Path dir) throws IOException {
        Path lab = dir.resolve("lab.yaml");
        assertThatThrownBy(() -> collect(lab, LAB)).hasMessageContaining("swarm.stacks[0].source")
                .hasMessageContaining("is not a directory");
        Files.createDirectories(dir.resolve("app/.git"));
        Files.writeString(dir.resolve("app/docker-compose.yml"), "services: {}\n");
        Files.writeString(dir.resolve("app/.git/config"), "[core]\n");
        assertThat(collect(lab, LAB)).containsOnlyKeys("app/docker-compose.yml");
        Files.write(dir.resolve("app/logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        assertThatThrownBy(() -> collect(lab, LAB)).hasMessageContaining("logo.png is not a text file");
        Files.delete(dir.resolve("app/logo.png"));
        Files.writeString(dir.resolve("app/big.txt"), "x".repeat(512 * 1024));
        assertThatThrownBy(() -> collect(lab, LAB)).hasMessageContaining("more than 512 KiB");
    }

    @Test
    void gitlabsCertificateAndCaTravelWithTheLabAndAMissingOneIsNamed(@TempDir Path dir) throws IOException {
        String yaml = """
                apiVersion: labforge/v1
                kind: Lab
                name: g
                domain: g.test
                hosts: [{name: gitlab, address: 10.1.0.10}]
                gitlab:
                  host: gitlab
                  externalUrl: https://gitlab.g.test
                  tls: {certificate: tls/gitlab.crt, ca: tls/ca.crt, key: {secret: GITLAB_TLS_KEY}}
                """;
        Path lab = dir.resolve("lab.yaml");
        Files.writeString(lab, yaml);
        Files.createDirectories(dir.resolve("tls"));
        Files.writeString(dir.resolve("tls/gitlab.crt"), "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> collect(lab, yaml)).hasMessageContaining("gitlab.tls.ca").hasMessageContaining("is not a file");
        Files.writeString(dir.resolve("tls/ca.crt"), "-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n");
        assertThat(collect(lab, yaml)).containsOnlyKeys("tls/gitlab.crt", "tls/ca.crt");
    }
}
