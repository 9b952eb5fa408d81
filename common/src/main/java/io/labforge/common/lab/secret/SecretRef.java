package io.labforge.common.lab.secret;

import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.YamlWalker;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code {secret: NAME}} in a lab file: the name of a secret the orchestrator holds, never its value.
 * The one place the rule for a secret's name is written.
 */
public final class SecretRef {
    /** A secret's name: capitals, digits and '_', as an environment variable's. */
    public static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private SecretRef() {
    }

    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The secret's name at {@code path}, or null when absent or wrong; a value written in the lab is an
     * error that does not echo it. {@code example} is a name to suggest, {@code what} what the secret is.
     */
    public static String read(LabReading in, Node n, String path, String example, String what) {
        YamlWalker w = in.yaml();
        if (n instanceof ScalarNode) {
            // a secret written in the lab file would end up in Git, the database and the audit log
            w.error(path, n, what + " is never written in the lab file",
                    "write " + path.substring(path.lastIndexOf('.') + 1) + ": {secret: " + example + "} and give the orchestrator that secret");
            return null;
        }
        if (n == null) {
            return null;
        }
        Map<String, Node> ref = w.mapping(n, path, Set.of("secret"), Set.of("secret"));
        String name = w.string(ref.get("secret"), path + ".secret");
        if (name != null && !isName(name)) {
            w.error(path + ".secret", "'" + name + "' is not a secret's name", "use capitals, digits and '_', e.g. " + example);
            return null;
        }
        return name;
    }
}
