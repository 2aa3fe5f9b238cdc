package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import ai.djl.Device;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where an adapter finds its base (issue 32): a registered LoRA model names it relative to the data directory, the
 * same on every node that shares it; an adapter stored before that names an absolute path and still loads.
 */
class AdapterBaseReferenceTest {

    private static final List<String> TEXTS = List.of("a gripping, lovely film", "dull and far too long");

    @TempDir
    Path dataDir;

    @Test
    void aBaseNamedRelativeToTheDataDirectoryIsFoundWhereverTheDataDirectoryLies() throws IOException {
        Path base = copy(Golden.dir("tiny-bert-sst2"), dataDir.resolve("bases").resolve("abc"));
        Path adapter = dataDir.resolve("models").resolve("m1");
        float[][] expected = trainAdapter(base, adapter);
        LoraFiles.writeBaseInDataDir(adapter, Path.of("bases", "abc"));
        assertThat(Files.readString(adapter.resolve(LoraFiles.BASE))).isEqualTo("{\"baseDir\":\"bases/abc\"}");

        // the data directory mounted elsewhere (another node): the same adapter finds the same base
        Path elsewhere = Files.move(dataDir.resolve("models"), Files.createDirectories(dataDir.resolve("mnt"))
                .resolve("models"));
        Files.move(dataDir.resolve("bases"), dataDir.resolve("mnt").resolve("bases"));
        Path moved = elsewhere.resolve("m1");
        assertThat(LoraFiles.baseDirOf(moved)).isEqualTo(dataDir.resolve("mnt").resolve("bases").resolve("abc"));
        try (ClassifierModel model = ClassifierModel.load(moved, Device.cpu())) {
            float[][] logits = model.logits(model.textEncoder().encode(TEXTS));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(Golden.maxAbsDiff(logits[i], expected[i])).isLessThan(1e-5f);
            }
        }
        assertThat(AdapterOverBase.read(moved).baseDir()).isEqualTo(dataDir.resolve("mnt/bases/abc"));
    }

    @Test
    void anAdapterStoredBeforeWithAnAbsoluteBaseStillLoads() throws IOException {
        Path base = copy(Golden.dir("tiny-bert-sst2"), dataDir.resolve("elsewhere"));
        Path adapter = dataDir.resolve("models").resolve("old");
        float[][] expected = trainAdapter(base, adapter);
        Files.writeString(adapter.resolve(LoraFiles.BASE), "{\"baseDir\":\"" + base.toAbsolutePath() + "\"}");
        assertThat(LoraFiles.baseDirOf(adapter)).isEqualTo(base.toAbsolutePath());
        try (ClassifierModel model = ClassifierModel.load(adapter, Device.cpu())) {
            float[][] logits = model.logits(model.textEncoder().encode(TEXTS));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(Golden.maxAbsDiff(logits[i], expected[i])).isLessThan(1e-5f);
            }
        }
    }

    /** An adapter over {@code base} with non-zero pairs, saved into {@code dir}; its logits. */
    private static float[][] trainAdapter(Path base, Path dir) throws IOException {
        try (ClassifierModel model = ClassifierModel.load(base, Device.cpu())) {
            LoraAdapter adapter = model.attachLora(LoraSettings.NONE.withDefaults("bert"), 5, base);
            adapter.pairs().values().forEach(pair -> pair.b().set(new float[(int) pair.b().size()]));
            adapter.pairs().values().forEach(pair -> pair.b().addi(0.01f));
            model.save(dir);
            return model.logits(model.textEncoder().encode(TEXTS));
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }
}
