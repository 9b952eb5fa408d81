package io.labforge.orchestrator.cli;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Follows a saga by polling its status and prints each step's changes, per host. */
final class Progress {
    private final Api api;
    private final PrintStream out;

    Progress(Api api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    /** Prints until the saga is final or paused; returns its last status. */
    JsonNode follow(String sagaId) {
        Map<String, String> seen = new HashMap<>();
        long t0 = System.currentTimeMillis();
        String format = null;
        while (true) {
            JsonNode s = api.get("/api/sagas/" + sagaId);
            if (format == null) {
                // the columns as wide as the saga's longest target and step (the plan's steps are all there from the start)
                format = "%7.1fs  %-" + width(s.get("steps"), "target") + "s %-" + width(s.get("steps"), "id") + "s %-12s%s%n";
            }
            for (JsonNode step : s.get("steps")) {
                String key = step.get("id").asString();
                String state = step.get("state").asString();
                if (!state.equals(seen.put(key, state)) && !state.equals("PENDING")) {
                    out.printf(format, (System.currentTimeMillis() - t0) / 1000.0, step.get("target").asString(), key, state, detail(step));
                }
            }
            String status = s.get("status").asString();
            if (!status.equals("RUNNING") && !status.equals("COMPENSATING")) {
                summary(s);
                return s;
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s;
            }
        }
    }

    /** The width of a column: the longest {@code field} of {@code rows}, at least 8. */
    static int width(JsonNode rows, String field) {
        int w = 8;
        for (JsonNode r : rows) {
            w = Math.max(w, r.path(field).asString("").length());
        }
        return w;
    }

    private static String detail(JsonNode step) {
        String state = step.get("state").asString();
        if (state.equals("FAILED") || state.equals("COMPENSATION_FAILED")) {
            return "  " + step.path("error").asString("");
        }
        if (state.equals("SUCCEEDED")) {
            return step.path("changed").asBoolean() ? "  changed" : "  ok";
        }
        return "";
    }

    void summary(JsonNode s) {
        out.println();
        out.println("saga " + s.get("id").asString() + ": " + s.get("status").asString());
        // the lab's hosts, then the services that ran steps of it (the orchestrator's own, cluster-service, gitlab-service)
        int w = width(s.get("hosts"), "name");
        for (boolean services : new boolean[] {false, true}) {
            for (JsonNode h : s.get("hosts")) {
                if (LabforgeCli.SERVICE_TARGETS.contains(h.get("name").asString()) == services) {
                    out.printf("  %-" + w + "s %d/%d steps done%s%s%n", h.get("name").asString(), h.get("succeeded").asInt(),
                            h.get("steps").asInt(), h.get("failed").asInt() > 0 ? ", " + h.get("failed").asInt() + " failed" : "",
                            services ? "  (service)" : "");
                }
            }
        }
        for (JsonNode step : s.get("steps")) {
            if (step.path("changed").asBoolean() && step.path("diff").isString()) {
                out.println("  " + step.get("id").asString() + ":");
                step.get("diff").asString().lines().forEach(l -> out.println("      " + l));
            }
        }
        if (s.get("status").asString().equals("PAUSED")) {
            boolean failed = false;
            for (JsonNode h : s.get("hosts")) {
                failed |= h.get("failed").asInt() > 0;
            }
            // paused by a failure, or by an operator (labforge pause) with nothing failed
            out.println("\n" + (failed ? "Fix the host, then" : "Paused on request; go on with") + ": labforge resume " + s.get("id").asString()
                    + "   (or undo what was done: labforge compensate " + s.get("id").asString() + ")");
        }
    }
}
