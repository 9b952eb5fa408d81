package io.labforge.orchestrator.security;

import io.labforge.common.messaging.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** An RFC 9457 problem written by a filter, before any controller (and its problem handler) is reached. */
final class Problems {
    private Problems() {
    }

    static void write(HttpServletResponse response, int status, String title, String detail) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.write(Json.object().put("type", "about:blank").put("title", title).put("status", status)
                .put("detail", detail)));
        response.flushBuffer();
    }
}
