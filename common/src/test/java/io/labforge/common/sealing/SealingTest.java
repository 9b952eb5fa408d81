package io.labforge.common.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.messaging.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class SealingTest {
    static final String TOKEN = "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-7p73s1dx5in4tatdymyhg9hu2";

    @Test
    void markedValuesAreSealedForOneReaderAndOneMessage() {
        Sealing.KeyPair worker = Sealing.generate();
        JsonNode inputs = Json.read("{\"role\":\"worker\",\"token\":{\"$secret\":\"" + TOKEN + "\"},\"list\":[{\"$secret\":{\"a\":1}}]}");

        JsonNode sealed = Sealing.sealMarked(inputs, worker.publicKey(), "msg-1|node2");

        assertThat(Json.write(sealed)).doesNotContain(TOKEN).contains("$sealed").contains("\"role\":\"worker\"");
        assertThat(Sealing.hasSecrets(sealed)).isFalse();
        assertThat(Sealing.hasSealed(sealed)).isTrue();
        JsonNode opened = Sealing.openAll(sealed, worker, "msg-1|node2");
        assertThat(opened.get("token").asString()).isEqualTo(TOKEN);
        assertThat(opened.get("list").get(0).get("a").asInt()).isEqualTo(1);
        // another reader, or the same blob moved into another message, does not open
        assertThatThrownBy(() -> Sealing.openAll(sealed, Sealing.generate(), "msg-1|node2")).isInstanceOf(Sealing.SealingException.class);
        assertThatThrownBy(() -> Sealing.openAll(sealed, worker, "msg-2|node2")).isInstanceOf(Sealing.SealingException.class);
        assertThat(Sealing.unmark(inputs).get("token").asString()).isEqualTo(TOKEN);
    }

    @Test
    void aSecretWithNoReaderKeyIsWithheldWithTheReason() {
        JsonNode inputs = Json.read("{\"role\":\"worker\",\"token\":{\"$secret\":\"" + TOKEN + "\"}}");
        JsonNode withheld = Sealing.withhold(inputs, "no key for node2");
        assertThat(Json.write(withheld)).doesNotContain(TOKEN).contains("\"role\":\"worker\"");
        assertThat(Sealing.withheldReason(withheld)).contains("no key for node2");
        assertThat(Sealing.withheldReason(inputs)).isEmpty();
    }

    @Test
    void theKeyIsKeptWithMode600AndLoadsAgain(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sealing.key");
        Sealing.KeyPair k = Sealing.loadOrCreate(f);
        assertThat(Files.getPosixFilePermissions(f)).extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        Sealing.KeyPair again = Sealing.loadOrCreate(f);
        assertThat(again.publicKey()).isEqualTo(k.publicKey());
        byte[] sealed = Sealing.seal(k.publicKey(), "c", "x".getBytes());
        assertThat(new String(Sealing.open(again, "c", sealed))).isEqualTo("x");
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> Sealing.open(again, "c", sealed)).isInstanceOf(Sealing.SealingException.class);
    }
}
