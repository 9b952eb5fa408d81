package io.labforge.common.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files a lab names beside it (a stack's directory, GitLab's certificate …), read on the submitter's
 * side so they travel with the lab ({@code labforge apply}). Each section says which files it names and
 * how large they may be ({@link LabSection#files}); text only; hidden files and directories are left out.
 */
public final class LabFiles {
    private LabFiles() {
    }

    /**
     * The files a read lab names ({@link LabParser.Result#files()}), keyed by their path relative to the
     * lab file's directory. A lab that does not parse has none (the orchestrator reports its errors).
     */
    public static Map<String, String> collect(Path labFile, LabParser.Result read) {
        Map<String, String> files = new TreeMap<>();
        if (!read.ok()) {
            return files;
        }
        Path base = realPath(labFile.toAbsolutePath().getParent(), "the lab file's directory");
        for (LabFileRef ref : read.files()) {
            String problem = pathProblem(ref.path());
            if (problem != null) {
                throw new IllegalArgumentException(ref.field() + ": " + problem);
            }
            Path p = base.resolve(ref.path()).normalize();
            if (ref.directory()) {
                directory(base, p, ref, files);
            } else {
                file(base, p, ref, files);
            }
        }
        return files;
    }

    /**
     * The one rule for a path a lab names beside it: relative, and not climbing out of the lab file's
     * directory; null when it holds, what is wrong otherwise. (The files themselves are checked when
     * read: inside the directory once symlinks are resolved, regular files.)
     */
    public static String pathProblem(String path) {
        if (path == null || path.isBlank()) {
            return "no path given";
        }
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return path + " is absolute: name a file next to the lab file, relative to its directory";
        }
        if (p.normalize().startsWith("..") || p.normalize().toString().isEmpty()) {
            return path + " leads out of the lab file's directory: a lab sends only files of its own directory";
        }
        return null;
    }

    private static Path realPath(Path p, String what) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + p + " does not exist");
        }
    }

    /** {@code p} once symlinks are resolved, which must still be inside {@code base}. */
    private static Path inside(Path base, Path p, LabFileRef ref) {
        Path real = realPath(p, ref.field() + ":");
        if (!real.startsWith(base)) {
            throw new IllegalArgumentException(ref.field() + ": " + base.relativize(p) + " leads to " + real
                    + ", outside the lab file's directory: a lab sends only files of its own directory");
        }
        return real;
    }

    private static void file(Path base, Path p, LabFileRef ref, Map<String, String> files) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(ref.field() + ": " + p + " is not a file: it goes next to the lab file");
        }
        Path real = inside(base, p, ref);
        if (!Files.isRegularFile(real)) {
            throw new IllegalArgumentException(ref.field() + ": " + p + " is not a file: it goes next to the lab file");
        }
        try {
            byte[] bytes = Files.readAllBytes(p);
            if (bytes.length > ref.maxBytes()) {
                throw new IllegalArgumentException(ref.field() + ": " + p + " is larger than " + ref.maxBytes() / 1024 + " KiB");
            }
            files.put(base.relativize(p).toString().replace('\\', '/'), text(bytes, p));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + p, e);
        }
    }

    private static void directory(Path base, Path dir, LabFileRef ref, Map<String, String> files) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(inside(base, dir, ref))) {
            throw new IllegalArgumentException(ref.field() + ": " + dir + " is not a directory: it goes next to the lab file");
        }
        long total = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.sorted().toList()) {
                Path rel = dir.relativize(f);
                if (hidden(rel) || Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                // a link is followed only where it stays inside the lab's directory, and to a regular file
                Path real = inside(base, f, ref);
                if (!Files.isRegularFile(real)) {
                    throw new IllegalArgumentException(ref.field() + ": " + base.relativize(f) + " is not a regular file");
                }
                byte[] bytes = Files.readAllBytes(real);
                total += bytes.length;
                if (total > ref.maxBytes()) {
                    throw new IllegalArgumentException(ref.field() + ": " + dir + " holds more than " + ref.maxBytes() / 1024
                            + " KiB: keep build contexts small (sources, not artefacts)");
                }
                files.put(base.relativize(f).toString().replace('\\', '/'), text(bytes, f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + dir, e);
        }
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
            throw new IllegalArgumentException(f + " is not a text file: the files of a lab travel with it as text "
                    + "(sources, Dockerfiles, configuration, PEM); leave binaries out");
        }
    }
}
