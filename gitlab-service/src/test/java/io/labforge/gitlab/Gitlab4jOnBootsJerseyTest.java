package io.labforge.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.gitlab4j.api.GitLabApi;
import org.junit.jupiter.api.Test;

/**
 * gitlab4j-api 6.2.0 (the GitLab client issue 6 builds on) is built against Jersey 3.1; Spring Boot 4's
 * dependency management gives it Jersey 4.0. This checks the client still works there: a request
 * with the token header, and the JSON answer read into its model.
 */
class Gitlab4jOnBootsJerseyTest {
    @Test
    void aRequestAndItsJsonAnswerGoThroughJersey4() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/api/v4/version", x -> {
            if (!"glpat-x".equals(x.getRequestHeaders().getFirst("PRIVATE-TOKEN"))) {
                x.sendResponseHeaders(401, -1);
                x.close();
                return;
            }
            byte[] b = "{\"version\":\"17.5.1\",\"revision\":\"abc\"}".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        try (GitLabApi api = new GitLabApi("http://127.0.0.1:" + s.getAddress().getPort(), "glpat-x")) {
            assertThat(api.getVersion().getVersion()).isEqualTo("17.5.1");
        } finally {
            s.stop(0);
        }
    }
}
