package io.labforge.devrig.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Agent jars for upgrade tests: the built one under another version, or with classes left out (a build that cannot start). */
final class AgentJars {
    private AgentJars() {
    }

    /** {@code jar} copied to {@code out} with its manifest saying {@code version}, without the entries named in {@code without}. */
    static Path rebuilt(Path jar, Path out, String version, String... without) throws IOException {
        Set<String> left = Set.of(without);
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest m = new Manifest(in.getManifest());
            m.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
            try (OutputStream file = Files.newOutputStream(out); JarOutputStream o = new JarOutputStream(file, m)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    if (!left.contains(e.getName())) {
                        o.putNextEntry(new JarEntry(e.getName()));
                        in.transferTo(o);
                        o.closeEntry();
                    }
                }
            }
        }
        return out;
    }
}
