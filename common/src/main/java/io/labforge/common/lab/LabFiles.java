package io.labforge.common.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files a lab names beside it — today the stacks' directories (R20) — read on the submitter's
 * side so they travel with the lab ({@code labforge apply}). Text only, at most {@link #MAX_STACK_BYTES}
 * per stack (they go to the hosts inside a command); hidden files and directories are left out.
 */
public final class LabFiles {
    public static final int MAX_STACK_BYTES = 512 * 1024;

    private LabFiles() {
    }

    /**
     * The files of every stack of the lab in {@code labFile}, keyed by their path relative to the lab
     * file's directory. A lab that does not parse has none (the orchestrator reports its errors).
     */
    public static Map<String, String> collect(Path labFile, String yaml) {
        LabParser.Result r = LabParser.read(yaml);
        Map<String, String> files = new TreeMap<>();
        if (!r.ok()) {
            return files;
        }
        Path base = labFile.toAbsolutePath().getParent();
        Lab.GitlabTls tls = r.lab().gitlab() == null ? null : r.lab().gitlab().tls();
        if (tls != null) {
            // GitLab's certificate and its CA (public: the key is a secret, never a file of the lab)
            for (String[] f : List.of(new String[] {tls.certificate(), "gitlab.tls.certificate"}, new String[] {tls.ca(), "gitlab.tls.ca"})) {
                Path p = base.resolve(f[0]).normalize();
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException(f[1] + ": " + p + " is not a file: the PEM file goes next to the lab file");
                }
                try {
                    byte[] bytes = Files.readAllBytes(p);
                    if (bytes.length > 64 * 1024) {
                        throw new IllegalArgumentException(f[1] + ": " + p + " is larger than 64 KiB: not a certificate");
                    }
                    files.put(base.relativize(p).toString().replace('\\', '/'), text(bytes, p));
                } catch (IOException e) {
                    throw new UncheckedIOException("reading " + p, e);
                }
            }
        }
        if (r.lab().swarm() == null) {
            return files;
        }
        List<Lab.SwarmStack> stacks = r.lab().swarm().stacks();
        for (int i = 0; i < stacks.size(); i++) {
            Path dir = base.resolve(stacks.get(i).source()).normalize();
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("swarm.stacks[" + i + "].source: " + dir + " is not a directory: the stack's "
                        + "directory (its compose file and build contexts) goes next to the lab file");
            }
            long total = 0;
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                    Path rel = dir.relativize(f);
                    if (hidden(rel)) {
                        continue;
                    }
                    byte[] bytes = Files.readAllBytes(f);
                    total += bytes.length;
                    if (total > MAX_STACK_BYTES) {
                        throw new IllegalArgumentException("swarm.stacks[" + i + "].source: " + dir + " holds more than "
                                + MAX_STACK_BYTES / 1024 + " KiB: keep build contexts small (sources, not artefacts)");
                    }
                    files.put(base.relativize(f).toString().replace('\\', '/'), text(bytes, f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + dir, e);
            }
        }
        return files;
    }

    private static boolean hidden(Path rel) {
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String text(byte[] bytes, Path f) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            if (s.indexOf('\0') >= 0) {
                throw new CharacterCodingException();
            }
            return s;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(f + " is not a text file: a stack's directory travels with the lab as text "
                    + "(sources, Dockerfiles, configuration); leave binaries out of it");
        }
    }
}
