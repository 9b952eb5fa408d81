package io.labforge.orchestrator.cli;

import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The CLI's client of the REST API; a problem response becomes an error with its detail. */
final class Api {
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Optional<String> token;

    /** A client that sends the token the environment gives ({@link Credentials}). */
    Api(String base) {
        this(base, Credentials.token(System.getenv(), LabforgeCli.home()));
    }

    Api(String base, Optional<String> token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    JsonNode get(String path) {
        return json(send(request(path).GET()));
    }

    String getText(String path) {
        return send(request(path).GET()).body();
    }

    JsonNode post(String path, String yaml) {
        return json(send(request(path).header("Content-Type", "application/yaml")
                .POST(yaml == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(yaml))));
    }

    /** Posts a JSON body (a lab with its files). */
    JsonNode postJson(String path, Object body) {
        return json(send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))));
    }

    /** Puts a JSON body given as text. */
    JsonNode putJson(String path, String json) {
        return json(send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json))));
    }

    JsonNode delete(String path) {
        return json(send(request(path).DELETE()));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) {
        HttpRequest r = builder.build();
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 401 && token.isEmpty()) {
                throw new CliError(ApiError.describe(401, resp.body()) + "\n  the CLI found no token: it reads " + Credentials.WHERE);
            }
            if (resp.statusCode() >= 400) {
                throw new ApiError(resp.statusCode(), resp.body());
            }
            return resp;
        } catch (ConnectException e) {
            throw new CliError("no orchestrator answers at " + base + ": start one (labforge demo, or labforge server) "
                    + "or point --url / LABFORGE_URL at it");
        } catch (IOException e) {
            throw new CliError("talking to " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError("interrupted");
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        return r.body().isBlank() ? Json.object() : Json.read(r.body());
    }

    static final class ApiError extends CliError {
        private static final long serialVersionUID = 1L;

        private final int status;

        ApiError(int status, String body) {
            super(describe(status, body));
            this.status = status;
        }

        int status() {
            return status;
        }

        static String describe(int status, String body) {
            try {
                JsonNode p = Json.read(body);
                StringBuilder s = new StringBuilder(p.path("title").asString("HTTP " + status)).append(": ")
                        .append(p.path("detail").asString(""));
                for (JsonNode e : p.path("errors")) {
                    s.append("\n  line ").append(e.path("line").asInt()).append(", ").append(e.path("path").asString())
                            .append(": ").append(e.path("message").asString()).append("\n      fix: ")
                            .append(e.path("fix").asString());
                }
                return s.toString();
            } catch (RuntimeException e) {
                return "HTTP " + status + ": " + body;
            }
        }
    }
}
