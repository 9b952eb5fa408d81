package io.labforge.devrig.labhosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where the VM image is ({@code lab-hosts/build-vm-image}'s cache, or {@code LABFORGE_VM_IMAGE}),
 * and which accelerator really boots a kernel on this machine.
 */
public final class VmImage {
    private VmImage() {
    }

    /** The built image's directory, without building it. */
    public static Optional<Path> locate() {
        String env = System.getenv("LABFORGE_VM_IMAGE");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(p -> Files.exists(p.resolve("base.qcow2")));
        }
        return script().flatMap(s -> {
            Cmd.Result r = Cmd.run(List.of(s.toString(), "--check"), 60);
            return r.ok() ? Optional.of(Path.of(r.out().lines().reduce((a, b) -> b).orElse(""))) : Optional.empty();
        });
    }

    /** The image's directory, building it first if needed (debootstrap: several minutes, once). */
    public static Path buildOrLocate() {
        Optional<Path> found = locate();
        if (found.isPresent()) {
            return found.get();
        }
        Path s = script().orElseThrow(() -> new IllegalStateException(
                "the VM image is not built and lab-hosts/build-vm-image is not here: run labforge from the project's directory"));
        String out = Cmd.require(List.of(s.toString()), 3600);
        return Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    private static Optional<Path> script() {
        for (String candidate : List.of("lab-hosts/build-vm-image", "../lab-hosts/build-vm-image")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    /**
     * {@code kvm} when a kernel boots to its first panic under KVM within 20 seconds, else {@code tcg}.
     * Trying is the only honest test: on these machines {@code /dev/kvm} exists, but qemu either aborts
     * or crawls with it (MACHINE.md). {@code LABFORGE_VM_ACCEL} overrides; the answer is remembered in
     * {@code cacheFile}.
     */
    public static String accel(Path image, Path cacheFile) {
        String env = System.getenv("LABFORGE_VM_ACCEL");
        if (env != null && (env.equals("kvm") || env.equals("tcg"))) {
            return env;
        }
        try {
            if (Files.exists(cacheFile)) {
                return Files.readString(cacheFile).strip();
            }
            String result = "tcg";
            if (Files.exists(Path.of("/dev/kvm"))) {
                Path log = Files.createTempFile("labforge-kvm-probe", ".log");
                Process p = new ProcessBuilder(QemuVm.QEMU, "-accel", "kvm", "-cpu", "host", "-m", "256", "-nodefaults",
                        "-no-reboot", "-display", "none", "-serial", "file:" + log, "-kernel", image.resolve("vmlinuz").toString(),
                        "-append", "console=ttyS0 panic=-1 root=/dev/nothing").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                boolean exited = p.waitFor(20, TimeUnit.SECONDS);
                if (!exited) {
                    p.destroyForcibly();
                }
                if (exited && Files.readString(log).contains("Kernel panic")) {
                    result = "kvm";
                }
                Files.deleteIfExists(log);
            }
            Files.createDirectories(cacheFile.getParent());
            Files.writeString(cacheFile, result);
            return result;
        } catch (IOException e) {
            return "tcg";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "tcg";
        }
    }
}
