package io.labforge.common.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void aFileOutsideTheLabsDirectoryIsNeverReadNeitherNamedNorThroughALink(@TempDir Path dir) throws IOException {
        Path lab = dir.resolve("lab/lab.yaml");
        Files.createDirectories(dir.resolve("lab/app"));
        Files.writeString(dir.resolve("lab/app/docker-compose.yml"), "services: {}\n");
        Files.writeString(dir.resolve("secret.txt"), "root:x:0:0\n");
        // a stack directory holding a link to a file outside: refused, naming the link, before anything is sent
        Files.createSymbolicLink(dir.resolve("lab/app/compose-extra.yml"), dir.resolve("secret.txt"));
        assertThatThrownBy(() -> collect(lab, LAB)).hasMessageContaining("app/compose-extra.yml leads to")
                .hasMessageContaining("outside the lab file's directory");
        // a link that stays inside is a file like another
        Files.delete(dir.resolve("lab/app/compose-extra.yml"));
        Files.createSymbolicLink(dir.resolve("lab/app/compose-extra.yml"), dir.resolve("lab/app/docker-compose.yml"));
        assertThat(collect(lab, LAB)).containsOnlyKeys("app/docker-compose.yml", "app/compose-extra.yml");
        // the stack's directory itself a link out of the lab's directory
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(dir.resolve("elsewhere/docker-compose.yml"), "services: {}\n");
        Path lab2 = dir.resolve("lab2/lab.yaml");
        Files.createDirectories(dir.resolve("lab2"));
        Files.createSymbolicLink(dir.resolve("lab2/app"), dir.resolve("elsewhere"));
        assertThatThrownBy(() -> collect(lab2, LAB)).hasMessageContaining("swarm.stacks[0].source").hasMessageContaining("outside");
    }

    @Test
    void aCertificateNamedOutsideTheLabsDirectoryIsRefusedByTheParserAndByTheSender(@TempDir Path dir) throws IOException {
        for (String path : List.of("/etc/passwd", "../passwd", "tls/../../passwd")) {
            String yaml = """
                    apiVersion: labforge/v1
                    kind: Lab
                    name: g
                    hosts: [{name: gitlab, address: 10.1.0.10}]
                    gitlab:
                      host: gitlab
                      externalUrl: https://gitlab.g.test
                      tls: {certificate: '%s', ca: tls/ca.crt, key: {secret: GITLAB_TLS_KEY}}
                    """.formatted(path);
            assertThat(Features.PARSER.read(yaml).errors()).as(path).singleElement().satisfies(e -> {
                assertThat(e.path()).isEqualTo("gitlab.tls.certificate");
                assertThat(e.message()).containsAnyOf("is absolute", "leads out of the lab file's directory");
            });
            assertThat(collect(dir.resolve("lab.yaml"), yaml)).as("nothing is read for a lab that does not parse").isEmpty();
        }
    }
}
