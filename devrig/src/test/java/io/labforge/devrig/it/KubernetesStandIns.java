package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.labforge.devrig.labhosts.Cmd;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The stand-ins for kubeadm, kubelet and kubectl in an apt repository laid out and signed like
 * pkgs.k8s.io's (lab-hosts/build-kubernetes-repo), served over HTTP where lab hosts reach this machine.
 */
final class KubernetesStandIns implements AutoCloseable {
    static final String MINOR = "1.35";
    private final HttpServer server;
    private final String address;

    KubernetesStandIns(Path root, String address) {
        this.address = address;
        Cmd.Result built = Cmd.run(List.of(Path.of("..", "lab-hosts", "build-kubernetes-repo").toString(), root.toString(), MINOR), 120);
        assertThat(built.ok()).as(built.out()).isTrue();
        try {
            server = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            Path f = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean ok = f.startsWith(root) && Files.isRegularFile(f);
            byte[] body = ok ? Files.readAllBytes(f) : new byte[0];
            exchange.sendResponseHeaders(ok ? 200 : 404, ok ? body.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** What the lab's {@code kubernetes.packageRepository} names: the base, as pkgs.k8s.io's {@code core:/stable:}. */
    String base() {
        return "http://" + address + ":" + server.getAddress().getPort() + "/core:/stable:";
    }

    /** A lab's {@code kubernetes:} section's {@code version: "1.35"} line, with the repository line before it. */
    String pointedAt(String lab) {
        assertThat(lab).contains("  version: \"" + MINOR + "\"");
        return lab.replace("  version: \"" + MINOR + "\"", "  packageRepository: \"" + base() + "\"\n  version: \"" + MINOR + "\"");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
