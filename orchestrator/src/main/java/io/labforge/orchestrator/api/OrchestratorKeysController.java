package io.labforge.orchestrator.api;

import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.Keys;
import java.security.KeyPair;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/orchestrator/keys}: the orchestrator's two public keys, as {@code orchestrator.pub} and
 * {@code sealing.pub} hold them: the Ed25519 key its commands are signed with (agents trust only it) and the HPKE key
 * agents seal secret outputs to. {@code labforge hosts bootstrap} writes them into each agent's configuration, from the
 * orchestrator it registers the agents with, wherever that orchestrator keeps its state (the demo's is its own).
 */
@RestController
@RequestMapping("/api/orchestrator")
public class OrchestratorKeysController {
    private final KeyPair signing;
    private final Sealing.KeyPair sealing;

    public OrchestratorKeysController(KeyPair signing, Sealing.KeyPair sealing) {
        this.signing = signing;
        this.sealing = sealing;
    }

    /** The public halves only; both are also in the orchestrator's state directory. */
    public record PublicKeys(String signing, String sealing) {
    }

    @GetMapping("/keys")
    public PublicKeys keys() {
        return new PublicKeys(Keys.encodePublic(signing.getPublic()), sealing.publicKey());
    }
}
