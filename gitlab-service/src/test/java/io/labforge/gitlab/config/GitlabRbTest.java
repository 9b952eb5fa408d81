package io.labforge.gitlab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.lab.gitlab.RenderGitlabConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gitlab.rb as omnibus reads it: the lab's URLs and TLS files, the hooks directory; valid Ruby (ruby -c). */
class GitlabRbTest {
    static final RenderGitlabConfig TP2 = new RenderGitlabConfig("tp2", "https://gitlab.tp2.lab", 5050, "/etc/gitlab/ssl",
            "/var/opt/gitlab/gitaly/custom_hooks", List.of("10.78.0.1/32"));

    @Test
    void theLabsUrlsTlsFilesAndHooksDirectory() {
        String rb = GitlabRb.render(TP2);
        assertThat(rb.lines().toList()).contains(
                "external_url 'https://gitlab.tp2.lab'",
                "nginx['ssl_certificate'] = '/etc/gitlab/ssl/gitlab.tp2.lab.crt'",
                "nginx['ssl_certificate_key'] = '/etc/gitlab/ssl/gitlab.tp2.lab.key'",
                "letsencrypt['enable'] = false",
                "registry_external_url 'https://gitlab.tp2.lab:5050'",
                "registry_nginx['ssl_certificate'] = '/etc/gitlab/ssl/gitlab.tp2.lab.crt'",
                "    custom_hooks_dir: '/var/opt/gitlab/gitaly/custom_hooks'",
                "gitlab_rails['monitoring_whitelist'] = ['127.0.0.0/8', '::1/128', '10.78.0.1/32']");
        // no registry asked: no registry settings; plain http: no TLS settings
        String plain = GitlabRb.render(new RenderGitlabConfig("t", "http://gitlab.t", null, "/etc/gitlab/ssl", "/h", null));
        assertThat(plain).doesNotContain("registry_").doesNotContain("ssl_certificate").contains("external_url 'http://gitlab.t'");
        assertThatThrownBy(() -> GitlabRb.render(new RenderGitlabConfig("t", "ftp://x", null, "/s", "/h", null)))
                .hasMessageContaining("not an http(s) URL");
    }

    @Test
    void aQuoteInAValueStaysInsideItsString() {
        assertThat(GitlabRb.quote("it's \\ here")).isEqualTo("'it\\'s \\\\ here'");
    }

    @Test
    void rubyReadsIt(@TempDir Path dir) throws Exception {
        boolean ruby = Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "ruby")));
        if (!ruby) {
            System.out.println("SKIPPED GitlabRbTest.rubyReadsIt: no ruby (apt-get install ruby)");
        }
        Assumptions.assumeTrue(ruby, "ruby is needed for ruby -c");
        Path file = dir.resolve("gitlab.rb");
        Files.writeString(file, GitlabRb.render(TP2));
        Process p = new ProcessBuilder("ruby", "-c", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.strip()).isEqualTo("Syntax OK");
        // and ruby -c does find a broken one (the check is not a formality)
        Files.writeString(file, GitlabRb.render(TP2).replace("= {", "= {{"));
        Process bad = new ProcessBuilder("ruby", "-c", file.toString()).redirectErrorStream(true).start();
        bad.getInputStream().readAllBytes();
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isNotZero();
    }
}
