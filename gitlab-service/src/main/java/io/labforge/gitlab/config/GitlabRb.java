package io.labforge.gitlab.config;

import io.labforge.common.lab.gitlab.RenderGitlabConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@code /etc/gitlab/gitlab.rb} from the lab (R5): omnibus reads it at {@code gitlab-ctl
 * reconfigure}. Only the settings Labforge owns are written; every value is a Ruby string literal
 * built by {@link #quote} (nothing of the lab file is pasted into Ruby code).
 */
public final class GitlabRb {
    private GitlabRb() {
    }

    public static String render(RenderGitlabConfig c) {
        URI url = URI.create(c.externalUrl());
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("externalUrl '" + c.externalUrl() + "' is not an http(s) URL");
        }
        String host = url.getHost();
        boolean tls = url.getScheme().equals("https");
        String crt = c.sslDir() + "/" + host + ".crt";
        String key = c.sslDir() + "/" + host + ".key";
        StringBuilder rb = new StringBuilder();
        rb.append("# Written by Labforge for lab ").append(c.lab().replaceAll("[^a-z0-9-]", "?"))
                .append(": changes made here are replaced at the next apply.\n\n");
        rb.append("external_url ").append(quote(c.externalUrl())).append('\n');
        if (tls) {
            // the key and certificate the lab's CA made for this host (omnibus would look there by name too)
            rb.append("nginx['ssl_certificate'] = ").append(quote(crt)).append('\n');
            rb.append("nginx['ssl_certificate_key'] = ").append(quote(key)).append('\n');
            rb.append("letsencrypt['enable'] = false\n");
        }
        if (c.registryPort() != null) {
            rb.append("\n# R6: the container registry\n");
            rb.append("registry_external_url ").append(quote(url.getScheme() + "://" + host + ":" + c.registryPort())).append('\n');
            if (tls) {
                rb.append("registry_nginx['ssl_certificate'] = ").append(quote(crt)).append('\n');
                rb.append("registry_nginx['ssl_certificate_key'] = ").append(quote(key)).append('\n');
            }
        }
        rb.append("\n# who may read /-/readiness and /-/health (gitlab-service waits on them)\n");
        List<String> allow = new ArrayList<>(List.of("127.0.0.0/8", "::1/128"));
        if (c.monitoringAllow() != null) {
            c.monitoringAllow().stream().filter(a -> !allow.contains(a)).forEach(allow::add);
        }
        rb.append("gitlab_rails['monitoring_whitelist'] = [").append(String.join(", ", allow.stream().map(GitlabRb::quote).toList())).append("]\n");
        rb.append("\n# R8: server hooks (Labforge's pre-receive hook lives in pre-receive.d/)\n");
        rb.append("gitaly['configuration'] = {\n  hooks: {\n    custom_hooks_dir: ").append(quote(c.hooksDir())).append("\n  }\n}\n");
        return rb.toString();
    }

    /** A Ruby single-quoted string: only {@code \\} and {@code '} are special there. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
