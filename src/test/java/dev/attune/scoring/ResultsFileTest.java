package dev.attune.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resumed batch prediction continues after the complete lines; a line cut short by a crash is dropped. */
class ResultsFileTest {

    @TempDir
    Path dir;

    @Test
    void aPartialLastLineIsCutAndTheCompleteOnesCounted() throws IOException {
        Path file = dir.resolve("results.jsonl");
        assertThat(ResultsFile.completeLines(file)).isZero();
        Files.writeString(file, "{\"index\":0}\n{\"index\":1}\n{\"ind");
        assertThat(ResultsFile.completeLines(file)).isEqualTo(2);
        assertThat(Files.readString(file)).isEqualTo("{\"index\":0}\n{\"index\":1}\n");
        Files.writeString(file, "{\"index\":0}\n");
        assertThat(ResultsFile.completeLines(file)).isEqualTo(1);
    }
}
