package io.labforge.agent.executor.disk;

import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Physical volumes, volume groups and logical volumes, parsed from the JSON reports of {@code pvs},
 * {@code vgs} and {@code lvs} ({@code --reportformat json --units b --nosuffix}).
 */
public record LvmState(Map<String, Pv> pvs, Map<String, Vg> vgs, Map<String, Lv> lvs) {

    /** A physical volume; {@code vg} is null for a PV in no volume group. */
    public record Pv(String device, String vg, long size) {
    }

    public record Vg(String name, long size, long free, int pvCount, int lvCount) {
    }

    /** A logical volume; keyed {@code vg/name} in {@link #lvs}. */
    public record Lv(String vg, String name, long size, String path) {
    }

    public static final LvmState EMPTY = new LvmState(Map.of(), Map.of(), Map.of());

    private static final List<String> REPORT = List.of("--reportformat", "json", "--units", "b", "--nosuffix");

    public static List<String> pvsCommand() {
        return argv("pvs", "pv_name,vg_name,pv_size");
    }

    public static List<String> vgsCommand() {
        return argv("vgs", "vg_name,vg_size,vg_free,pv_count,lv_count");
    }

    public static List<String> lvsCommand() {
        return argv("lvs", "vg_name,lv_name,lv_size,lv_path");
    }

    private static List<String> argv(String tool, String fields) {
        List<String> a = new ArrayList<>(List.of(tool));
        a.addAll(REPORT);
        a.addAll(List.of("-o", fields));
        return List.copyOf(a);
    }

    public static LvmState parse(String pvsJson, String vgsJson, String lvsJson) {
        Map<String, Pv> pvs = new LinkedHashMap<>();
        for (JsonNode n : rows(pvsJson, "pv")) {
            String vg = blankToNull(n.path("vg_name").asString(""));
            pvs.put(n.path("pv_name").asString(), new Pv(n.path("pv_name").asString(), vg, number(n, "pv_size")));
        }
        Map<String, Vg> vgs = new LinkedHashMap<>();
        for (JsonNode n : rows(vgsJson, "vg")) {
            String name = n.path("vg_name").asString();
            vgs.put(name, new Vg(name, number(n, "vg_size"), number(n, "vg_free"), (int) number(n, "pv_count"),
                    (int) number(n, "lv_count")));
        }
        Map<String, Lv> lvs = new LinkedHashMap<>();
        for (JsonNode n : rows(lvsJson, "lv")) {
            Lv lv = new Lv(n.path("vg_name").asString(), n.path("lv_name").asString(), number(n, "lv_size"),
                    blankToNull(n.path("lv_path").asString("")));
            lvs.put(lv.vg() + "/" + lv.name(), lv);
        }
        return new LvmState(Map.copyOf(pvs), Map.copyOf(vgs), Map.copyOf(lvs));
    }

    public Optional<Lv> lv(String vg, String name) {
        return Optional.ofNullable(lvs.get(vg + "/" + name));
    }

    /** The PVs of a volume group. */
    public List<Pv> pvsOf(String vg) {
        return pvs.values().stream().filter(p -> vg.equals(p.vg())).toList();
    }

    private static List<JsonNode> rows(String json, String kind) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = Json.read(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the " + kind + "s report is not JSON: " + json.strip(), e);
        }
        JsonNode report = root.path("report");
        if (!report.isArray()) {
            throw new IllegalArgumentException("the " + kind + "s report has no 'report' array: " + json.strip());
        }
        List<JsonNode> out = new ArrayList<>();
        report.forEach(r -> r.path(kind).forEach(out::add));
        return out;
    }

    private static long number(JsonNode n, String field) {
        String s = n.path(field).asString("").strip();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " '" + s + "' is not a number of bytes (was --units b --nosuffix lost?)", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
