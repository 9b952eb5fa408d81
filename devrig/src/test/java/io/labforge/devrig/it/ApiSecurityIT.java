package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.cli.CliError;
import io.labforge.orchestrator.cli.LabforgeCli;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The REST API played as an attacker would, against the real orchestrator (embedded PostgreSQL and
 * Kafka): no token, a forged or revoked one, the wrong role, a request shaped as a foreign web page's,
 * an oversized body, too many hosts, a foreign {@code Host:} name; and an identity provider's tokens
 * (a JWKS served here, RS256 tokens signed with its key). Each is refused with its reason, audited,
 * and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ApiSecurityIT {
    static final int MAX_BODY = 64 * 1024;
    Harness h;
    HttpServer idp;
    RSAKey idpKey;
    String lab;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(idpKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        idp.createContext("/jwks", x -> {
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, jwks.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(jwks);
            }
        });
        idp.start();
        h = new Harness(dir);
        h.startOrchestrator("--labforge.api.max-body-bytes=" + MAX_BODY, "--labforge.api.max-hosts=3", "--labforge.api.max-streams=2",
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks");
        lab = Files.readString(Path.of("..", "examples", "local-lab.yaml"));
        // the lab's hosts have agents (a lab naming a host without one is refused before any of this is checked)
        List.of("node1", "node2", "node3").forEach(h::startAgent);
    }

    @AfterAll
    void stop() {
        h.close();
        idp.stop(0);
    }

    HttpResponse<String> call(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.baseUrl() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return h.send(b.build());
    }

    String token(String name, String role) {
        HttpResponse<String> r = call("POST", "/api/tokens", h.adminToken, "application/json",
                Json.write(Json.object().put("name", name).put("role", role)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.read(r.body()).get("token").asString();
    }

    long sagas() {
        return h.jdbc().queryForObject("SELECT count(*) FROM saga", Long.class);
    }

    /** The audit rows of refused calls to {@code path}. */
    List<JsonNode> refusals(String path) {
        JsonNode rows = Json.read(call("GET", "/api/audit?limit=5000", h.adminToken, null, null).body());
        return StreamSupport.stream(rows.spliterator(), false).filter(r -> r.get("action").asString().equals("api.refused"))
                .filter(r -> r.get("detail").get("path").asString().equals(path)).toList();
    }

    static String detail(HttpResponse<String> r) {
        return Json.read(r.body()).get("detail").asString();
    }

    @Test
    void theApiIsDescribedByTheOpenApiDocumentItServesToATokenHolderAndItNamesEveryEndpoint() {
        assertThat(call("GET", "/api/openapi.json", null, null, null).statusCode()).as("it needs a token, as the API does").isEqualTo(401);
        HttpResponse<String> doc = call("GET", "/api/openapi.json", token("openapi-reader", "viewer"), null, null);
        assertThat(doc.statusCode()).as(doc.body()).isEqualTo(200);
        JsonNode api = Json.read(doc.body());
        assertThat(api.get("openapi").asString()).startsWith("3.");
        // kept true: every handler the server maps under /api is in the document, with each of its methods
        RequestMappingHandlerMapping mapping = h.orchestrator.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        int checked = 0;
        for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
            for (String path : info.getPatternValues()) {
                if (!path.startsWith("/api/") || path.startsWith("/api/openapi.json")) { // the document's own (JSON, YAML)
                    continue;
                }
                String key = path.replaceAll("\\{([^}:]+):[^}]*}", "{$1}");
                assertThat(api.get("paths").has(key)).as(key + " in the OpenAPI document: " + api.get("paths").propertyNames()).isTrue();
                for (RequestMethod m : info.getMethodsCondition().getMethods()) {
                    assertThat(api.get("paths").get(key).has(m.name().toLowerCase(java.util.Locale.ROOT))).as(m + " " + key).isTrue();
                }
                checked++;
            }
        }
        assertThat(checked).as("the API's endpoints").isGreaterThan(15);
    }

    @Test
    void withoutATokenOnlyTheConsolePageIsServed() {
        assertThat(call("GET", "/", null, null, null).statusCode()).isEqualTo(200);
        long before = sagas();
        HttpResponse<String> list = call("GET", "/api/sagas", null, null, null);
        assertThat(list.statusCode()).isEqualTo(401);
        assertThat(list.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(detail(list)).contains("Authorization: Bearer", "labforge token create");
        String compensate = "/api/sagas/3b241101-e2bb-4255-8caf-4136c566a962/compensate";
        assertThat(call("POST", compensate, null, null, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/sagas?mode=plan", null, "application/yaml", lab).statusCode()).isEqualTo(401);
        assertThat(sagas()).isEqualTo(before);
        assertThat(refusals(compensate)).singleElement().satisfies(r -> {
            assertThat(r.get("actor").asString()).isEqualTo("anonymous@127.0.0.1");
            assertThat(r.get("detail").get("status").asInt()).isEqualTo(401);
        });
    }

    @Test
    void aForgedARevokedAndAMistypedTokenAreRefused() {
        String forged = "lf_0123456789abcdef_" + "A".repeat(43);
        HttpResponse<String> r = call("GET", "/api/sagas?limit=1", forged, null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(detail(r)).contains("not valid");
        String viewer = token("soon-revoked", "viewer");
        assertThat(call("GET", "/api/sagas?limit=2", viewer, null, null).statusCode()).isEqualTo(200);
        String id = viewer.substring(3, 19);
        assertThat(call("DELETE", "/api/tokens/" + id, h.adminToken, null, null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/sagas?limit=2", viewer, null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/sagas?limit=3", viewer.substring(0, viewer.length() - 1), null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/sagas?limit=3", "not-even-a-token", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void eachRoleDoesWhatItMayAndNoMore() {
        String viewer = token("viewer-1", "viewer");
        long before = sagas();
        assertThat(call("GET", "/api/sagas", viewer, null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/audit/verify", viewer, null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> apply = call("POST", "/api/sagas?mode=plan", viewer, "application/yaml", lab);
        assertThat(apply.statusCode()).isEqualTo(403);
        assertThat(detail(apply)).contains("token:viewer-1 (viewer) may not POST /api/sagas", "needs the operator role");
        assertThat(call("GET", "/api/tokens", viewer, null, null).statusCode()).isEqualTo(403);
        assertThat(sagas()).isEqualTo(before);

        HttpResponse<String> planned = call("POST", "/api/sagas?mode=plan", h.operatorToken, "application/yaml", lab);
        assertThat(planned.statusCode()).as(planned.body()).isEqualTo(201);
        assertThat(sagas()).isEqualTo(before + 1);
        HttpResponse<String> mint = call("POST", "/api/tokens", h.operatorToken, "application/json",
                Json.write(Json.object().put("name", "mine").put("role", "admin")));
        assertThat(mint.statusCode()).isEqualTo(403);
        assertThat(detail(mint)).contains("needs the admin role");
        HttpResponse<String> delete = call("DELETE", "/api/sagas/" + Json.read(planned.body()).get("id").asString(), h.adminToken, null, null);
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(detail(delete)).contains("no role may");

        // the audit log names the holder of the token, not anything the request says of itself
        String saga = Json.read(planned.body()).get("id").asString();
        JsonNode rows = Json.read(call("GET", "/api/audit?sagaId=" + saga, viewer, null, null).body());
        assertThat(rows.get(0).get("actor").asString()).isEqualTo(Harness.ACTOR);
        assertThat(refusals("/api/sagas")).anySatisfy(r -> assertThat(r.get("actor").asString()).isEqualTo("token:viewer-1"));
        JsonNode list = Json.read(call("GET", "/api/tokens", h.adminToken, null, null).body());
        assertThat(list.toString()).doesNotContain(viewer.substring(20)).contains("viewer-1");
    }

    @Test
    void whatAForeignWebPageCanSendIsRefused() {
        long before = sagas();
        // a form or fetch without preflight: text/plain, no credentials a browser would add by itself
        assertThat(call("POST", "/api/sagas", null, "text/plain", lab).statusCode()).isEqualTo(401);
        // even with a token, the API does not take text/plain
        assertThat(call("POST", "/api/sagas?mode=plan", h.operatorToken, "text/plain", lab).statusCode()).isEqualTo(415);
        // a page that wants to send the Authorization header must ask first: no CORS policy lets it
        HttpResponse<String> preflight = h.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/api/sagas"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization,content-type")
                .build());
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight.statusCode()).isGreaterThanOrEqualTo(400);
        assertThat(sagas()).isEqualTo(before);
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsParsed() {
        long before = sagas();
        String big = lab + "#" + "x".repeat(MAX_BODY) + "\n";
        HttpResponse<String> sized = call("POST", "/api/sagas?mode=plan", h.operatorToken, "application/yaml", big);
        assertThat(sized.statusCode()).isEqualTo(413);
        assertThat(detail(sized)).contains("at most " + MAX_BODY + " bytes", "labforge.api.max-body-bytes");
        // the same without a Content-Length (chunked): refused once the limit is passed
        HttpResponse<String> chunked = h.send(h.request("/api/sagas?mode=plan").header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(sagas()).isEqualTo(before);
        assertThat(refusals("/api/sagas")).anySatisfy(r -> assertThat(r.get("detail").get("status").asInt()).isEqualTo(413));
    }

    /** Opens a live stream over a plain socket (so that the test can drop it as a client that went away would). */
    Socket openStream(String sagaId) throws IOException {
        Socket s = new Socket("127.0.0.1", URI.create(h.baseUrl()).getPort());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET /api/sagas/" + sagaId + "/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + h.operatorToken + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains("event:subscribed")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the stream ended: " + seen);
            }
            seen.append((char) c);
        }
        assertThat(seen.toString()).startsWith("HTTP/1.1 200");
        return s;
    }

    @Test
    void liveStreamsAreCappedAndOneWhoseClientWentAwayFreesItsPlace() throws Exception {
        HttpResponse<String> planned = call("POST", "/api/sagas?mode=plan", h.operatorToken, "application/yaml", lab);
        assertThat(planned.statusCode()).as(planned.body()).isEqualTo(201);
        String saga = Json.read(planned.body()).get("id").asString();
        Socket first = openStream(saga);
        try (Socket second = openStream(saga)) {
            assertThat(second.isConnected()).isTrue();
            HttpResponse<String> third = call("GET", "/api/sagas/" + saga + "/events", h.operatorToken, null, null);
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(detail(third)).contains("labforge.api.max-streams");
            first.close();
            // the server notices at the stream's next heartbeat, and the place is free again
            org.awaitility.Awaitility.await("a dropped stream's place freed").atMost(java.time.Duration.ofSeconds(40))
                    .pollInterval(java.time.Duration.ofSeconds(2)).until(() -> {
                        try (Socket again = openStream(saga)) {
                            return again.isConnected();
                        } catch (IOException | AssertionError e) {
                            return false;
                        }
                    });
        }
    }

    @Test
    void aLabOfMoreHostsThanTheLimitIsRefusedNamingTheField() {
        String four = """
                apiVersion: labforge/v1
                kind: Lab
                name: big
                hosts:
                  - {name: a, address: 10.9.0.1}
                  - {name: b, address: 10.9.0.2}
                  - {name: c, address: 10.9.0.3}
                  - {name: d, address: 10.9.0.4}
                """;
        HttpResponse<String> r = call("POST", "/api/sagas?mode=plan", h.operatorToken, "application/yaml", four);
        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode error = Json.read(r.body()).get("errors").get(0);
        assertThat(error.get("path").asString()).isEqualTo("hosts");
        assertThat(error.get("message").asString()).contains("4 hosts", "at most 3");
        assertThat(error.get("fix").asString()).contains("labforge.api.max-hosts");
    }

    @Test
    void aRequestForAnotherHostNameIsRefused() throws IOException {
        int port = Integer.parseInt(h.baseUrl().substring(h.baseUrl().lastIndexOf(':') + 1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET /api/sagas HTTP/1.1\r\nHost: rebound.evil.example\r\nAuthorization: Bearer " + h.operatorToken
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400").contains("rebound.evil.example", "labforge.api.allowed-hosts");
        }
    }

    String jwt(RSAKey key, String name, List<String> roles, Instant expires) throws JOSEException {
        SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("u-" + name).claim("preferred_username", name).claim("roles", roles)
                        .issueTime(new Date()).expirationTime(Date.from(expires)).build());
        t.sign(new RSASSASigner(key));
        return t.serialize();
    }

    @Test
    void anIdentityProvidersTokensCarryTheirRoleAndName() throws Exception {
        Instant later = Instant.now().plusSeconds(600);
        String alice = jwt(idpKey, "alice", List.of("operator"), later);
        HttpResponse<String> planned = call("POST", "/api/sagas?mode=plan", alice, "application/yaml", lab);
        assertThat(planned.statusCode()).as(planned.body()).isEqualTo(201);
        String saga = Json.read(planned.body()).get("id").asString();
        JsonNode rows = Json.read(call("GET", "/api/audit?sagaId=" + saga, alice, null, null).body());
        assertThat(rows.get(0).get("actor").asString()).isEqualTo("oidc:alice");

        String bob = jwt(idpKey, "bob", List.of("viewer"), later);
        assertThat(call("GET", "/api/sagas", bob, null, null).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/sagas?mode=plan", bob, "application/yaml", lab).statusCode()).isEqualTo(403);
        String nobody = jwt(idpKey, "carol", List.of(), later);
        HttpResponse<String> none = call("GET", "/api/sagas", nobody, null, null);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(detail(none)).contains("oidc:carol (no Labforge role)");

        RSAKey other = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        assertThat(call("GET", "/api/sagas", jwt(other, "mallory", List.of("admin"), later), null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/sagas", jwt(idpKey, "alice", List.of("operator"), Instant.now().minusSeconds(600)), null, null)
                .statusCode()).isEqualTo(401);
    }

    @Test
    void aLabThatWouldWreckAHostOrReachOutsideItsDirectoryIsRefusedAndAudited(@TempDir Path labDir) throws Exception {
        long before = sagas();
        String overEtc = """
                apiVersion: labforge/v1
                kind: Lab
                name: wreck
                hosts:
                  - name: vm1
                    kind: vm
                    address: 10.9.0.1
                    disks: [{device: /dev/vdb, volumeGroup: data, volumes: [{name: d, size: 1G, filesystem: ext4, mount: /etc}]}]
                """;
        HttpResponse<String> r = call("POST", "/api/sagas?mode=plan", h.operatorToken, "application/yaml", overEtc);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(Json.read(r.body()).get("errors").get(0).get("path").asString()).isEqualTo("hosts[0].disks[0].volumes[0].mount");

        String outside = """
                apiVersion: labforge/v1
                kind: Lab
                name: g
                hosts: [{name: gitlab, address: 10.1.0.10}]
                gitlab:
                  host: gitlab
                  externalUrl: https://gitlab.g.test
                  tls: {certificate: ../../etc/passwd, ca: tls/ca.crt, key: {secret: GITLAB_TLS_KEY}}
                """;
        HttpResponse<String> o = call("POST", "/api/sagas?mode=plan", h.operatorToken, "application/yaml", outside);
        assertThat(o.statusCode()).as(o.body()).isEqualTo(422);
        assertThat(Json.read(o.body()).get("errors")).anySatisfy(e -> assertThat(e.get("path").asString()).isEqualTo("gitlab.tls.certificate"));
        assertThat(sagas()).isEqualTo(before);
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM audit_log WHERE action = 'lab.rejected' AND actor = ?", Long.class,
                Harness.ACTOR)).isGreaterThanOrEqualTo(2);

        // the CLI refuses to send a file the lab reaches through a symlink out of its directory, before any request
        Path stack = Files.createDirectories(labDir.resolve("app"));
        Files.createSymbolicLink(stack.resolve("docker-compose.yml"), Path.of("/etc/passwd"));
        String lab = Files.readString(Path.of("..", "examples", "swarm-lab.yaml"));
        Path labFile = labDir.resolve("lab.yaml");
        Files.writeString(labFile, lab.replace("source: tp1-app", "source: app"));
        assertThatThrownBy(() -> LabforgeCli.files(labFile, Files.readString(labFile))).isInstanceOf(CliError.class)
                .hasMessageContaining("docker-compose.yml");
    }
}
