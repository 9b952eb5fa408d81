package io.labforge.common.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        Path base = labFile.toAbsolutePath().getParent();
        for (LabFileRef ref : read.files()) {
            Path p = base.resolve(ref.path()).normalize();
            if (ref.directory()) {
                directory(base, p, ref, files);
            } else {
                file(base, p, ref, files);
            }
        }
        return files;
    }

    private static void file(Path base, Path p, LabFileRef ref, Map<String, String> files) {
        if (!Files.isRegularFile(p)) {
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
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(ref.field() + ": " + dir + " is not a directory: it goes next to the lab file");
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
