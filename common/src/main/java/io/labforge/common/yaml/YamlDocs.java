package io.labforge.common.yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * YAML documents for other tools, made from maps and lists (values are data, so no text of the lab can
 * break their structure), in block style as people write them.
 */
public final class YamlDocs {
    private YamlDocs() {
    }

    /** An ordered mapping from {@code key, value, key, value, …}. */
    public static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** One document. */
    public static String dump(Object document) {
        return yaml().dump(document);
    }

    /** Several documents, separated by {@code ---}. */
    public static String dumpAll(List<?> documents) {
        return yaml().dumpAll(documents.iterator());
    }

    private static Yaml yaml() {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(o);
    }
}
