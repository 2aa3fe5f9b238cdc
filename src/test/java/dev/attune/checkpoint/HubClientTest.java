package dev.attune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import dev.attune.support.FakeHub;
import dev.attune.support.Golden;
import org.junit.jupiter.api.AfterEach;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hub downloader against a local HTTP server on loopback. */
class HubClientTest {

    @TempDir
    Path cache;

    FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub(Golden.dir("tiny-bert-sst2"));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void aConfigIsReadWithoutDownloadingTheWeights() {
        JsonNode config = client(false).config("org/tiny", null);

        assertThat(config.get("model_type").stringValue()).isEqualTo("bert");
        assertThat(hub.fileRequests.get()).isEqualTo(1);
        assertThat(cache.resolve("models--org--tiny")).doesNotExist();
    }

    @Test
    void anUnreachableHubSaysWhatFailedInsteadOfNull() {
        HubClient unreachable = new HubClient(new HubSettings("http://127.0.0.1:1", cache, null, false));
        assertThatThrownBy(() -> unreachable.snapshot("org/tiny", null))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("ConnectException")
                .hasMessageNotContaining("null")
                .satisfies(e -> assertThat(((HubException) e).status()).isEqualTo(502));
    }

    @Test
    void downloadsIntoTheHubCacheLayout() throws IOException {
        Path snapshot = client(false).snapshot("org/tiny", null);

        Path repo = cache.resolve("models--org--tiny");
        assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(FakeHub.COMMIT));
        assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
        assertThat(Files.isSymbolicLink(snapshot.resolve("model.safetensors"))).isTrue();
        assertThat(Files.readSymbolicLink(snapshot.resolve("model.safetensors")).toString()).startsWith("../../blobs/");
        assertThat(Files.mismatch(snapshot.resolve("model.safetensors"),
                Golden.dir("tiny-bert-sst2").resolve("model.safetensors"))).isEqualTo(-1);
        assertThat(snapshot.resolve("tokenizer.json")).exists();
        assertThat(snapshot.resolve("tokenizer_config.json")).exists();
        assertThat(snapshot.resolve("golden.json")).doesNotExist();
    }

    @Test
    void aPeftAdapterRepositoryDownloadsItsAdapterFiles() throws IOException {
        Path adapter = cache.resolveSibling(cache.getFileName() + "-adapter");
        Files.createDirectories(adapter);
        Files.writeString(adapter.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\"}");
        Files.write(adapter.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3});
        Files.writeString(adapter.resolve("README.md"), "an adapter");
        try (FakeHub adapterHub = new FakeHub(adapter)) {
            HubSettings settings = new HubSettings(adapterHub.endpoint(), cache, null, false);
            Path snapshot = new HubClient(settings).snapshot("org/tiny", null);
            assertThat(snapshot.resolve("adapter_config.json")).exists();
            assertThat(snapshot.resolve("adapter_model.safetensors")).exists();
            assertThat(snapshot.resolve("README.md")).doesNotExist();
        }
    }

    @Test
    void aCachedSnapshotIsReusedWithoutDownloadingAndOfflineModeUsesIt() {
        client(false).snapshot("org/tiny", "main");
        int requests = hub.fileRequests.get();

        client(false).snapshot("org/tiny", "main");
        Path offline = client(true).snapshot("org/tiny", "main");

        assertThat(hub.fileRequests.get()).isEqualTo(requests);
        assertThat(offline.resolve("config.json")).exists();
    }

    @Test
    void offlineWithoutCacheIsA404() {
        assertThatThrownBy(() -> client(true).snapshot("org/tiny", null)).isInstanceOf(HubException.class)
                .hasMessageContaining("offline").extracting(e -> ((HubException) e).status()).isEqualTo(404);
    }

    @Test
    void unknownRepositoryIs404() {
        assertThatThrownBy(() -> client(false).snapshot("org/missing", null)).isInstanceOf(HubException.class)
                .extracting(e -> ((HubException) e).status()).isEqualTo(404);
    }

    @Test
    void refusedAccessSaysToSetHfToken() {
        assertThatThrownBy(() -> client(false).snapshot("org/private", null)).isInstanceOf(HubException.class)
                .hasMessageContaining("HF_TOKEN").extracting(e -> ((HubException) e).status()).isEqualTo(403);
    }

    @Test
    void connectionCutMidFileLeavesNoCorruptFileInTheCache() throws IOException {
        assertThatThrownBy(() -> client(false).snapshot("org/cut", null)).isInstanceOf(HubException.class)
                .hasMessageContaining("Nothing partial was kept");

        Path repo = cache.resolve("models--org--cut");
        assertThat(repo.resolve("snapshots").resolve(FakeHub.COMMIT).resolve("model.safetensors")).doesNotExist();
        try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
            for (Path blob : blobs.toList()) {
                assertThat(blob.getFileName().toString()).doesNotEndWith(".incomplete");
                assertThat(Files.size(blob)).isNotEqualTo(Files.size(Golden.dir("tiny-bert-sst2").resolve("model.safetensors")) / 2);
            }
        }
        assertThat(repo.resolve("refs/main")).doesNotExist();
    }

    @Test
    void invalidIdsAreRefused() {
        assertThatThrownBy(() -> client(false).snapshot("../etc", null)).isInstanceOf(HubException.class);
        assertThatThrownBy(() -> client(false).snapshot("org/tiny", "../../x")).isInstanceOf(HubException.class);
    }

    @Test
    void settingsHonourTheHubEnvironmentVariables() {
        HubSettings settings = HubSettings.from("https://huggingface.co", null, false, Map.of("HF_HOME", "/tmp/hf", "HF_ENDPOINT", "http://mirror/",
                "HF_TOKEN", "secret", "HF_HUB_OFFLINE", "1"));
        assertThat(settings.cacheDir()).isEqualTo(Path.of("/tmp/hf/hub"));
        assertThat(settings.endpoint()).isEqualTo("http://mirror");
        assertThat(settings.token()).isEqualTo("secret");
        assertThat(settings.offline()).isTrue();
    }

    private HubClient client(boolean offline) {
        return new HubClient(new HubSettings(hub.endpoint(), cache, null, offline));
    }
}
