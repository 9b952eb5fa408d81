package io.labforge.agent.executor.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.tls.InstallTlsKey;
import io.labforge.common.tls.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key the lab gives: written mode 600, never in the report, what it replaced kept (secretly) for the undo. */
class TlsKeyInstallExecutorTest {
    @TempDir
    Path dir;

    static String pkcs8(KeyPair k) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----";
    }

    @Test
    void theKeyIsWrittenMode600ItsPreviousContentASecretOutputAndTheUndoRemovesIt() throws Exception {
        StepContext ctx = new StepContext(new HostRoot(dir), new ProcessRunner(), 1, x -> { });
        String pem = pkcs8(Pki.newKey());
        TlsKeyInstallExecutor exec = new TlsKeyInstallExecutor();
        Outcome o = exec.apply(new InstallTlsKey("/etc/gitlab/ssl", "gitlab.g.test.key", pem), ctx);
        assertThat(o.changed()).isTrue();
        assertThat(o.diff()).isEqualTo("+ /etc/gitlab/ssl/gitlab.g.test.key (the lab's key, mode 600)").doesNotContain("PRIVATE");
        assertThat(o.secretOutputs()).containsExactly("previous");
        Path file = dir.resolve("etc/gitlab/ssl/gitlab.g.test.key");
        assertThat(Files.readString(file).strip()).isEqualTo(pem);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(exec.apply(new InstallTlsKey("/etc/gitlab/ssl", "gitlab.g.test.key", pem), ctx).changed()).isFalse();
        // a second key replaces it; the first is what the undo puts back
        String other = pkcs8(Pki.newKey());
        assertThat(exec.apply(new InstallTlsKey("/etc/gitlab/ssl", "gitlab.g.test.key", other), ctx).outputs().get("previous").asString()).isEqualTo(pem);
        exec.apply(new InstallTlsKey("/etc/gitlab/ssl", "gitlab.g.test.key", ""), ctx);
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> exec.apply(new InstallTlsKey("/etc/gitlab/ssl", "gitlab.g.test.key", "not a key"), ctx))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("not a PEM private key");
        assertThatThrownBy(() -> exec.apply(new InstallTlsKey("/root", "k.key", pem), ctx)).isInstanceOf(ExecutorException.class);
    }
}
