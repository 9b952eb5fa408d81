package io.labforge.gitlab.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A GitLab for the tests, where no GitLab can run: an HTTPS server (its certificate from a CA made
 * here, like a lab's) answering the part of GitLab's documented REST API that gitlab-service uses,
 * with GitLab's status codes, error bodies and pagination headers, and Git's smart HTTP push into
 * in-memory repositories (JGit's ReceivePack, as a real Git server). It can be slow to become ready
 * (nginx's 502 first, as omnibus answers while Puma starts) and can fail API calls with 5xx.
 *
 * <p>Documented behaviour followed: REST API (authentication by {@code PRIVATE-TOKEN}, 401 body,
 * 404 {@code {"message":"404 Project Not Found"}}, {@code X-Page/X-Per-Page/X-Total/X-Total-Pages/
 * X-Next-Page/X-Prev-Page} and {@code Link} on lists), Projects API ({@code GET/POST/DELETE
 * /projects}, 202 on delete, {@code empty_repo}), Users API ({@code GET /user}), Runners API ({@code
 * POST /user/runners} → 201 {@code {id, token: glrt-…}}, {@code GET /runners/all?type=},
 * {@code GET/DELETE /runners/:id}), Health check ({@code GET /-/readiness}).
 */
public final class FakeGitlab implements AutoCloseable {
    public final String token;
    private final HttpsServer server;
    private final String caPem;
    private final AtomicInteger notReadyAnswers = new AtomicInteger();
    private final AtomicInteger failNextApiCalls = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong(100);
    private final Map<Long, ObjectNode> projects = new ConcurrentHashMap<>();
    private final Map<Long, Repository> repos = new ConcurrentHashMap<>();
    private final Map<Long, ObjectNode> runners = new ConcurrentHashMap<>();
    /** Every API request as "METHOD path?query", for assertions on what was asked. */
    public final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    private final Map<Long, String> runnerTokens = new ConcurrentHashMap<>();

    /** With a CA of its own. */
    public FakeGitlab(String token) throws Exception {
        this(token, OwnCa.make());
    }

    private record OwnCa(X509Certificate cert, PrivateKey key) {
        static OwnCa make() {
            KeyPair k = Pki.newKey();
            return new OwnCa(Pki.newCa(k, "Fake GitLab test CA", Duration.ofDays(1)), k.getPrivate());
        }
    }

    private FakeGitlab(String token, OwnCa ca) throws Exception {
        this(token, ca.cert(), ca.key());
    }

    /** With a certificate for localhost signed by {@code ca} (a lab's CA, as a lab's GitLab has). */
    public FakeGitlab(String token, X509Certificate ca, PrivateKey caPrivate) throws Exception {
        this.token = token;
        KeyPair key = Pki.newKey();
        X509Certificate cert = Pki.sign(Pki.csr(key, "localhost"), ca, caPrivate, "localhost", List.of("localhost"),
                List.of("127.0.0.1"), Pki.Usage.SERVER, Duration.ofDays(1));
        this.caPem = Pki.pem(ca);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("gitlab", key.getPrivate(), new char[0], new Certificate[] {cert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0); // reached as https://localhost:<port>
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public String url() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    public String caPem() {
        return caPem;
    }

    /** The next {@code n} readiness probes answer as omnibus's nginx does while Rails starts: 502. */
    public void notReadyFor(int n) {
        notReadyAnswers.set(n);
    }

    /** The next {@code n} API calls answer 500, as a GitLab under migration may. */
    public void failNextApiCalls(int n) {
        failNextApiCalls.set(n);
    }

    /** An instance runner made outside Labforge (e.g. to fill pages of the runner list). */
    public long addRunner(String description) {
        long id = ids.incrementAndGet();
        runners.put(id, runner(id, description, List.of(), true));
        return id;
    }

    public Map<Long, ObjectNode> projects() {
        return projects;
    }

    public Map<Long, ObjectNode> runners() {
        return runners;
    }

    /** The authentication token GitLab gave each runner it created (what the runner host must register with). */
    public Map<Long, String> runnerTokens() {
        return runnerTokens;
    }

    /** The repository of a project, to read what was pushed. */
    public Repository repository(long projectId) {
        return repos.get(projectId);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String query = x.getRequestURI().getRawQuery();
            if (path.equals("/-/readiness")) {
                if (notReadyAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    send(x, 502, "text/html", "<html><body><h1>502</h1><p>Whoops, GitLab is taking too much time to respond.</p></body></html>");
                } else {
                    send(x, 200, "application/json", "{\"status\":\"ok\",\"master_check\":[{\"status\":\"ok\"}]}");
                }
                return;
            }
            if (path.contains(".git/")) {
                git(x, path, query);
                return;
            }
            if (!path.startsWith("/api/v4/")) {
                send(x, 404, "text/html", "<html>404</html>");
                return;
            }
            requests.add(x.getRequestMethod() + " " + path.substring("/api/v4".length()) + (query == null ? "" : "?" + query));
            if (!token.equals(x.getRequestHeaders().getFirst("PRIVATE-TOKEN"))) {
                json(x, 401, Json.object().put("message", "401 Unauthorized"));
                return;
            }
            if (failNextApiCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                json(x, 500, Json.object().put("message", "500 Internal Server Error"));
                return;
            }
            api(x, x.getRequestMethod(), path.substring("/api/v4".length()), params(x, query));
        } catch (RuntimeException e) {
            send(x, 500, "application/json", "{\"message\":\"500 Internal Server Error\"}");
        }
    }

    private void api(HttpExchange x, String method, String path, Map<String, String> p) throws IOException {
        String[] seg = path.substring(1).split("/");
        if (method.equals("GET") && path.equals("/user")) {
            json(x, 200, Json.object().put("id", 1).put("username", "root").put("name", "Administrator").put("is_admin", true));
        } else if (method.equals("GET") && path.equals("/version")) {
            json(x, 200, Json.object().put("version", "17.5.1-ce.0").put("revision", "fake"));
        } else if (method.equals("POST") && path.equals("/projects")) {
            createProject(x, p);
        } else if (seg[0].equals("projects") && seg.length == 2) {
            ObjectNode project = project(URLDecoder.decode(seg[1], StandardCharsets.UTF_8));
            if (project == null) {
                json(x, 404, Json.object().put("message", "404 Project Not Found"));
            } else if (method.equals("GET")) {
                json(x, 200, project);
            } else if (method.equals("DELETE")) {
                projects.remove(project.get("id").asLong());
                repos.remove(project.get("id").asLong());
                json(x, 202, Json.object().put("message", "202 Accepted"));
            } else {
                json(x, 405, Json.object().put("message", "405 Method Not Allowed"));
            }
        } else if (method.equals("POST") && path.equals("/user/runners")) {
            if (!"instance_type".equals(p.get("runner_type")) && !"group_type".equals(p.get("runner_type"))
                    && !"project_type".equals(p.get("runner_type"))) {
                json(x, 400, Json.object().put("error", "runner_type is missing, runner_type does not have a valid value"));
                return;
            }
            long id = ids.incrementAndGet();
            List<String> tags = p.getOrDefault("tag_list", "").isEmpty() ? List.of() : List.of(p.get("tag_list").split(","));
            runners.put(id, runner(id, p.get("description"), tags, !"false".equals(p.get("run_untagged"))));
            String tok = "glrt-" + Base64.getUrlEncoder().withoutPadding().encodeToString(SecureRandom.getSeed(15));
            runnerTokens.put(id, tok);
            json(x, 201, Json.object().put("id", id).put("token", tok).putNull("token_expires_at"));
        } else if (method.equals("GET") && path.equals("/runners/all")) {
            List<ObjectNode> all = runners.values().stream().filter(r -> p.get("type") == null || p.get("type").equals(r.get("runner_type").asString()))
                    .sorted(Comparator.comparingLong(r -> r.get("id").asLong())).toList();
            page(x, "/runners/all", p, all);
        } else if (seg[0].equals("runners") && seg.length == 2 && seg[1].matches("\\d+")) {
            ObjectNode r = runners.get(Long.parseLong(seg[1]));
            if (r == null) {
                json(x, 404, Json.object().put("message", "404 Runner Not Found"));
            } else if (method.equals("GET")) {
                json(x, 200, r);
            } else if (method.equals("DELETE")) {
                runners.remove(Long.parseLong(seg[1]));
                x.sendResponseHeaders(204, -1);
            } else {
                json(x, 405, Json.object().put("message", "405 Method Not Allowed"));
            }
        } else {
            json(x, 404, Json.object().put("error", "404 Not Found"));
        }
    }

    private void createProject(HttpExchange x, Map<String, String> p) throws IOException {
        String name = p.get("name");
        String path = p.getOrDefault("path", name);
        if (name == null && path == null) {
            json(x, 400, Json.object().put("error", "name, path are missing, at least one parameter must be provided"));
            return;
        }
        if (project("root/" + path) != null) {
            ObjectNode m = Json.object();
            m.putObject("message").putArray("path").add("has already been taken");
            json(x, 400, m);
            return;
        }
        long id = ids.incrementAndGet();
        ObjectNode n = Json.object().put("id", id).put("name", name == null ? path : name).put("path", path)
                .put("path_with_namespace", "root/" + path).put("visibility", p.getOrDefault("visibility", "private"))
                .put("http_url_to_repo", url() + "/root/" + path + ".git").put("web_url", url() + "/root/" + path)
                .put("empty_repo", true).putNull("default_branch");
        n.putObject("namespace").put("id", 1).put("path", "root").put("kind", "user");
        projects.put(id, n);
        repos.put(id, new InMemoryRepository(new DfsRepositoryDescription(path)));
        json(x, 201, n);
    }

    private ObjectNode project(String idOrPath) {
        if (idOrPath.matches("\\d+")) {
            return projects.get(Long.parseLong(idOrPath));
        }
        return projects.values().stream().filter(n -> n.get("path_with_namespace").asString().equals(idOrPath)).findFirst().orElse(null);
    }

    private static ObjectNode runner(long id, String description, List<String> tags, boolean runUntagged) {
        ObjectNode r = Json.object().put("id", id).put("description", description).put("runner_type", "instance_type")
                .put("active", true).put("paused", false).put("is_shared", true).put("run_untagged", runUntagged).put("status", "never_contacted");
        ArrayNode t = r.putArray("tag_list");
        tags.forEach(t::add);
        return r;
    }

    /** GitLab's offset pagination: page and per_page (default 20, at most 100), the X-* headers and a Link header. */
    private void page(HttpExchange x, String path, Map<String, String> p, List<ObjectNode> all) throws IOException {
        int perPage = Math.min(100, Integer.parseInt(p.getOrDefault("per_page", "20")));
        int page = Math.max(1, Integer.parseInt(p.getOrDefault("page", "1")));
        int pages = Math.max(1, (all.size() + perPage - 1) / perPage);
        ArrayNode body = Json.MAPPER.createArrayNode();
        all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(body::add);
        var h = x.getResponseHeaders();
        h.add("X-Page", String.valueOf(page));
        h.add("X-Per-Page", String.valueOf(perPage));
        h.add("X-Total", String.valueOf(all.size()));
        h.add("X-Total-Pages", String.valueOf(pages));
        h.add("X-Next-Page", page < pages ? String.valueOf(page + 1) : "");
        h.add("X-Prev-Page", page > 1 ? String.valueOf(page - 1) : "");
        List<String> links = new ArrayList<>();
        String base = url() + "/api/v4" + path + "?" + (p.containsKey("type") ? "type=" + p.get("type") + "&" : "") + "per_page=" + perPage + "&page=";
        if (page < pages) {
            links.add("<" + base + (page + 1) + ">; rel=\"next\"");
        }
        links.add("<" + base + "1>; rel=\"first\"");
        links.add("<" + base + pages + ">; rel=\"last\"");
        h.add("Link", String.join(", ", links));
        json(x, 200, body);
    }

    /** Git's smart HTTP, receive side only (Labforge pushes), with GitLab's Basic authentication: any user name, the token as password. */
    private void git(HttpExchange x, String path, String query) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        boolean authorized = auth != null && auth.startsWith("Basic ")
                && new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8).endsWith(":" + token);
        if (!authorized) {
            x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"GitLab\"");
            send(x, 401, "text/plain", "HTTP Basic: Access denied");
            return;
        }
        String repoPath = path.substring(1, path.indexOf(".git/"));
        ObjectNode project = project(repoPath);
        if (project == null) {
            send(x, 404, "text/plain", "The project you were looking for could not be found.");
            return;
        }
        long id = project.get("id").asLong();
        Repository repo = repos.get(id);
        if (path.endsWith("/info/refs") && "service=git-receive-pack".equals(query)) {
            x.getResponseHeaders().add("Content-Type", "application/x-git-receive-pack-advertisement");
            x.getResponseHeaders().add("Cache-Control", "no-cache");
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                PacketLineOut pck = new PacketLineOut(out);
                pck.writeString("# service=git-receive-pack\n");
                pck.end();
                ReceivePack rp = new ReceivePack(repo);
                rp.setBiDirectionalPipe(false);
                rp.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
            }
        } else if (path.endsWith("/git-receive-pack") && x.getRequestMethod().equals("POST")) {
            InputStream in = x.getRequestBody();
            if ("gzip".equals(x.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            x.getResponseHeaders().add("Content-Type", "application/x-git-receive-pack-result");
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                ReceivePack rp = new ReceivePack(repo);
                rp.setBiDirectionalPipe(false);
                rp.receive(in, out, null);
            }
            if (repo.getRefDatabase().hasRefs()) {
                project.put("empty_repo", false).put("default_branch", "main");
            }
        } else {
            send(x, 403, "text/plain", "only pushes over smart HTTP");
        }
    }

    private static Map<String, String> params(HttpExchange x, String query) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        parse(query, p);
        String type = x.getRequestHeaders().getFirst("Content-Type");
        byte[] body = x.getRequestBody().readAllBytes();
        if (body.length > 0 && type != null && type.startsWith("application/x-www-form-urlencoded")) {
            parse(new String(body, StandardCharsets.UTF_8), p);
        } else if (body.length > 0 && type != null && type.startsWith("application/json")) {
            Json.read(new String(body, StandardCharsets.UTF_8)).properties().forEach(e -> p.put(e.getKey(), e.getValue().asString()));
        }
        return p;
    }

    private static void parse(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String kv : form.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            into.put(k, v);
        }
    }

    private static void json(HttpExchange x, int status, JsonNode body) throws IOException {
        send(x, status, "application/json", Json.write(body));
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            x.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
