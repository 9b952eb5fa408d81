package io.labforge.gitlab.api;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;
import org.gitlab4j.api.AbstractApi;
import org.gitlab4j.api.GitLabApi;
import org.gitlab4j.api.GitLabApiException;
import org.gitlab4j.api.GitLabApiForm;
import org.glassfish.jersey.client.ClientProperties;
import tools.jackson.databind.JsonNode;

/**
 * One lab's GitLab as gitlab-service reaches it: its URL, trusted through the lab's CA only (not the
 * JVM's trust store: a lab GitLab's certificate is signed by the lab's CA, and another CA must not pass),
 * and an access token. The API calls go through gitlab4j-api; the two GitLab endpoints gitlab4j has
 * no method for ({@code /-/readiness} and {@code POST /user/runners}) are called the same way it calls
 * the others.
 */
public final class GitlabAccess implements AutoCloseable {
    private final String url;
    private final SSLContext ssl;
    private final GitLabApi api;
    private final String caPem;
    private final String token;

    private GitlabAccess(String url, String caPem, SSLContext ssl, String token) {
        this.caPem = caPem;
        this.token = token;
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.ssl = ssl;
        Map<String, Object> props = Map.of(ClientProperties.SSL_CONTEXT_SUPPLIER, (Supplier<SSLContext>) () -> ssl,
                ClientProperties.CONNECT_TIMEOUT, 10_000, ClientProperties.READ_TIMEOUT, 60_000);
        this.api = token == null ? null : new GitLabApi(GitLabApi.ApiVersion.V4, this.url, token, null, props);
    }

    /** {@code caPem}: the CA that signed GitLab's certificate (null: the JVM's trust store, for a GitLab with a public one). */
    public static GitlabAccess open(String url, String caPem, String token) {
        if (url == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
            throw ExecutorException.refused("GitLab's URL must start with https:// (or http://), not " + url);
        }
        return new GitlabAccess(url, caPem, trusting(caPem), token);
    }

    /** Without a token: only what GitLab answers to anybody (its readiness). */
    public static GitlabAccess anonymous(String url, String caPem) {
        return open(url, caPem, null);
    }

    static SSLContext trusting(String caPem) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManagers(caPem), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw ExecutorException.refused("no TLS context for GitLab: " + e.getMessage());
        }
    }

    /** Trust in {@code caPem} alone (null: the JVM's default trust, for a GitLab with a public certificate). */
    static TrustManager[] trustManagers(String caPem) {
        if (caPem == null || caPem.isBlank()) {
            return null;
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("lab-ca", Pki.certificate(caPem));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw ExecutorException.refused("the lab's CA certificate for GitLab does not load: " + e.getMessage());
        }
    }

    /**
     * In a plan, a value made or read during apply stands as {@code <step#output>} (the token when
     * Labforge makes it, a lab secret, which a plan does not send): GitLab cannot be asked with it.
     */
    public static boolean planned(String value) {
        return value != null && value.startsWith("<") && value.endsWith(">");
    }

    public String url() {
        return url;
    }

    public GitLabApi api() {
        if (api == null) {
            throw new IllegalStateException("opened without a token");
        }
        return api;
    }

    public SSLContext ssl() {
        return ssl;
    }

    /**
     * Pushes {@code branch} of a local repository to a GitLab repository over HTTPS with JGit, as the
     * token's user ({@code username}), trusting the lab's CA only. Returns each ref's result; a ref
     * GitLab refused (a pre-receive hook's message included) is an exception naming it.
     */
    public void push(Git git, String httpUrl, String username, String branch)
            throws GitAPIException {
        TrustManager[] tms = trustManagers(caPem);
        HttpConnectionFactory jdk = new JDKHttpConnectionFactory();
        HttpConnectionFactory labTrust = new HttpConnectionFactory() {
            @Override
            public HttpConnection create(URL u) throws IOException {
                return trust(jdk.create(u));
            }

            @Override
            public HttpConnection create(URL u, Proxy proxy) throws IOException {
                return trust(jdk.create(u, proxy));
            }

            private HttpConnection trust(HttpConnection c) throws IOException {
                if (tms != null && "https".equals(c.getURL().getProtocol())) {
                    try {
                        c.configure(null, tms, null);
                    } catch (GeneralSecurityException e) {
                        throw new IOException(e);
                    }
                }
                return c;
            }
        };
        Iterable<PushResult> results = git.push().setRemote(httpUrl)
                .setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/" + branch))
                .setCredentialsProvider(new UsernamePasswordCredentialsProvider(username, token))
                .setTransportConfigCallback(t -> {
                    if (t instanceof TransportHttp h) {
                        h.setHttpConnectionFactory(labTrust);
                    }
                }).call();
        for (PushResult r : results) {
            for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                if (u.getStatus() != RemoteRefUpdate.Status.OK
                        && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                    String messages = r.getMessages() == null ? "" : r.getMessages().trim();
                    throw ExecutorException.refused("GitLab refused the push of " + u.getRemoteName() + ": " + u.getStatus()
                            + (u.getMessage() == null ? "" : " (" + u.getMessage() + ")") + (messages.isEmpty() ? "" : "\n" + messages));
                }
            }
        }
    }

    /** What {@code GET /-/readiness} answered: its status, and its body (JSON naming each check), or why it could not be asked. */
    public record Readiness(int status, String body, String error) {
        /** The URL's name does not resolve where gitlab-service runs: waiting will not mend that. */
        public boolean unresolved() {
            return error != null && error.startsWith(UNRESOLVED);
        }

        public boolean ready() {
            return status == 200 && body != null && body.contains("\"status\":\"ok\"");
        }

        public String describe() {
            if (error != null) {
                return error;
            }
            if (status == 404) {
                return "HTTP 404: this address is not in GitLab's monitoring allowlist (gitlab.monitoringAllow)";
            }
            String b = body == null ? "" : body.replaceAll("\\s+", " ");
            return "HTTP " + status + (b.isEmpty() ? "" : " " + (b.length() > 160 ? b.substring(0, 160) + "…" : b));
        }
    }

    static final String UNRESOLVED = "no address for ";

    /** GitLab's readiness probe (documented under "Health check"): 200 with {@code "status":"ok"} once Rails and its services answer. */
    public Readiness readiness(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(timeout).build(); // Java 17: not closeable
        try {
            // the JDK's client reports an unknown name as a failed connection: ask the resolver first
            InetAddress.getAllByName(URI.create(url).getHost());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/-/readiness")).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Readiness(r.statusCode(), r.body(), null);
        } catch (UnknownHostException e) {
            return new Readiness(0, null, UNRESOLVED + URI.create(url).getHost());
        } catch (ConnectException e) {
            return new Readiness(0, null, "no connection (" + (e.getMessage() == null ? "nothing listens yet" : e.getMessage()) + ")");
        } catch (SSLException e) {
            return new Readiness(0, null, "TLS refused: " + e.getMessage() + " (is GitLab's certificate signed by the lab's CA?)");
        } catch (IOException e) {
            return new Readiness(0, null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Readiness(0, null, "interrupted");
        }
    }

    /** A runner made by {@code POST /user/runners}: its id and its authentication token ({@code glrt-…}, shown only now). */
    public record CreatedRunner(long id, String token) {
    }

    /**
     * Creates an instance runner the current GitLab way (GitLab 16+: {@code POST /user/runners}, admin
     * token): tags and whether it runs untagged jobs are set here, not when the runner host registers.
     */
    public CreatedRunner createInstanceRunner(String description, List<String> tags, boolean runUntagged) throws GitLabApiException {
        return new UserRunnersApi(api()).create(description, tags, runUntagged);
    }

    /** gitlab4j 6.2 has only the legacy registration call; this is the documented {@code POST /user/runners}. */
    static final class UserRunnersApi extends AbstractApi {
        UserRunnersApi(GitLabApi api) {
            super(api);
        }

        CreatedRunner create(String description, List<String> tags, boolean runUntagged) throws GitLabApiException {
            GitLabApiForm form = new GitLabApiForm().withParam("runner_type", "instance_type", true)
                    .withParam("description", description).withParam("tag_list", String.join(",", tags))
                    .withParam("run_untagged", runUntagged);
            jakarta.ws.rs.core.Response r = post(jakarta.ws.rs.core.Response.Status.CREATED, form, "user", "runners");
            JsonNode n = Json.read(r.readEntity(String.class));
            if (!n.path("id").isNumber() || !n.path("token").isString()) {
                throw new GitLabApiException("POST /user/runners answered without id and token");
            }
            return new CreatedRunner(n.get("id").asLong(), n.get("token").asString());
        }
    }

    /** The message of a failed API call, with its HTTP status, for a step's error. */
    public static String describe(GitLabApiException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return (e.getHttpStatus() > 0 ? "HTTP " + e.getHttpStatus() + ": " : "") + m;
    }

    /** A failed call as a step failure: 5xx, 429 and no answer may pass; 4xx will not. */
    public static ExecutorException failure(String what, GitLabApiException e) {
        int s = e.getHttpStatus();
        boolean retryable = s == 0 || s == 429 || s >= 500;
        return new ExecutorException(what + ": " + describe(e), retryable, e);
    }

    public static <T> Optional<T> optional(GitLabApiCall<T> call) throws GitLabApiException {
        try {
            return Optional.ofNullable(call.get());
        } catch (GitLabApiException e) {
            if (e.getHttpStatus() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @FunctionalInterface
    public interface GitLabApiCall<T> {
        T get() throws GitLabApiException;
    }

    /** A call on the API that answers nothing (a deletion). */
    @FunctionalInterface
    public interface GitLabApiAction {
        void run(GitLabApi api) throws GitLabApiException;
    }

    /**
     * The undo of a step that made something in GitLab ({@code what} {@code id}): only when that step
     * created it ({@code created}), and only while {@code find} still finds it; {@code delete} when
     * {@code apply}, otherwise said.
     */
    public static Outcome deleteIfCreated(String what, Long id, Boolean created, String url, String caPem, String token, boolean apply,
            Function<GitLabApi, GitLabApiCall<?>> find, GitLabApiAction delete) {
        if (!Boolean.TRUE.equals(created) || id == null) {
            return Outcome.unchanged(what + " " + id + " was there before the lab: kept");
        }
        try (GitlabAccess gitlab = open(url, caPem, token)) {
            if (optional(find.apply(gitlab.api())).isEmpty()) {
                return Outcome.unchanged(what + " " + id + " is already gone");
            }
            if (apply) {
                delete.run(gitlab.api());
            }
            return Outcome.of(true, (apply ? "deleted" : "would delete") + " " + what + " " + id, Json.object());
        } catch (GitLabApiException e) {
            throw failure("GitLab at " + url + " did not delete " + what + " " + id, e);
        }
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
    }
}
