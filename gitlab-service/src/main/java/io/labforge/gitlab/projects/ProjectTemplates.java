package io.labforge.gitlab.projects;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The content Labforge seeds into a lab's projects (R10–R12), shipped in this jar under
 * {@code io/labforge/gitlab/projects/<template>/}.
 */
public final class ProjectTemplates {
    private static final Map<String, List<String>> FILES = Map.of(
            "sleepytest", List.of(".gitlab-ci.yml"),
            "http-server", List.of("Dockerfile", "index.html", ".gitlab-ci.yml"),
            // R13: examples/tp1-app, copied into this jar at build time (gitlab-service/pom.xml)
            "tp1-app", List.of("docker-compose.yml", "web/Dockerfile", "web/app.py", "redis/Dockerfile", "nginx/Dockerfile",
                    "nginx/nginx.conf", ".gitlab-ci.yml"));

    private ProjectTemplates() {
    }

    public static boolean exists(String template) {
        return FILES.containsKey(template);
    }

    public static Set<String> names() {
        return new TreeSet<>(FILES.keySet());
    }

    /** Path in the repository → content, in a stable order. */
    public static Map<String, String> files(String template) {
        List<String> names = FILES.get(template);
        if (names == null) {
            throw new IllegalArgumentException("no project template '" + template + "'; there are " + names());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : names) {
            String res = "/io/labforge/gitlab/projects/" + template + "/" + n;
            try (InputStream in = ProjectTemplates.class.getResourceAsStream(res)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + res);
                }
                out.put(n, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
