package dev.attune.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch prediction's results: the committed lines of each run's part, read by row index (each row once, in
 * order), never a line past the committed ones; a legacy single file with a line cut short by a crash.
 */
class ResultsFileTest {

    @TempDir
    Path dir;

    @Test
    void aPartialLastLineIsCutAndTheCompleteOnesCounted() throws IOException {
        Path file = dir.resolve("results.jsonl");
        assertThat(ResultsFile.completeLines(file)).isZero();
        assertThat(ResultsFile.legacy(dir)).isEmpty();
        Files.writeString(file, "{\"index\":0}\n{\"index\":1}\n{\"ind");
        assertThat(ResultsFile.legacy(dir)).contains(new ResultsPart("results.jsonl", 2));
        assertThat(Files.readString(file)).isEqualTo("{\"index\":0}\n{\"index\":1}\n");
        Files.writeString(file, "{\"index\":0}\n");
        assertThat(ResultsFile.completeLines(file)).isEqualTo(1);
    }

    /** Run 1 committed rows 0-3; run 2 re-scored rows 2-3 (its first chunk overlapped) and went on to row 5. */
    @Test
    void rowsScoredTwiceAreReadOnceInIndexOrder() throws IOException {
        Files.createDirectories(dir.resolve("results"));
        Files.writeString(dir.resolve("results/part-1.jsonl"), lines(0, 4));
        Files.writeString(dir.resolve("results/part-2.jsonl"), lines(2, 6));
        assertThat(read(List.of(new ResultsPart("results/part-2.jsonl", 4), new ResultsPart("results/part-1.jsonl", 4))))
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    /** A run that lost the job wrote lines it never committed, in its own part and past its committed ones. */
    @Test
    void onlyCommittedLinesOfCommittedPartsAreRead() throws IOException {
        Files.createDirectories(dir.resolve("results"));
        Files.writeString(dir.resolve("results/part-1.jsonl"), lines(0, 5) + "{\"index\":5,\"te"); // crashed mid-line
        Files.writeString(dir.resolve("results/part-stale.jsonl"), lines(0, 10));
        assertThat(read(List.of(new ResultsPart("results/part-1.jsonl", 3)))).containsExactly(0L, 1L, 2L);
        assertThat(read(List.of())).isEmpty();
    }

    @Test
    void aRunAppendsToItsOwnPartAndTheUncommittedPartsAreRemoved() throws IOException {
        Files.createDirectories(dir.resolve("results"));
        Files.writeString(dir.resolve("results/part-stale.jsonl"), lines(0, 3));
        Files.writeString(dir.resolve("results/part-kept.jsonl"), lines(0, 2));
        ResultsPart kept = new ResultsPart("results/part-kept.jsonl", 2);
        ResultsPart mine;
        try (ResultsFile.Appender out = ResultsFile.newPart(dir)) {
            assertThat(out.part().lines()).isZero();
            out.append(List.of("{\"index\":2}", "{\"index\":3}"));
            out.append(List.of("{\"index\":4}"));
            mine = out.part();
        }
        assertThat(mine.lines()).isEqualTo(3);
        assertThat(mine.file()).startsWith("results/part-");
        assertThat(read(List.of(kept, mine))).containsExactly(0L, 1L, 2L, 3L, 4L);

        ResultsFile.removeUncommitted(dir, List.of(kept, mine));
        assertThat(dir.resolve("results/part-stale.jsonl")).doesNotExist();
        assertThat(dir.resolve("results/part-kept.jsonl")).exists();
        assertThat(dir.resolve(mine.file())).exists();
    }

    @Test
    void aRowIndexIsReadFromTheLinesStart() {
        assertThat(ResultsFile.index("{\"index\":12345,\"text\":\"x\"}")).isEqualTo(12345);
        assertThat(ResultsFile.index("{\"index\":0}")).isZero();
    }

    private List<Long> read(List<ResultsPart> parts) throws IOException {
        List<Long> indices = new ArrayList<>();
        try (ResultsFile.Rows rows = ResultsFile.read(dir, parts)) {
            rows.forEachRemaining(line -> indices.add(ResultsFile.index(line)));
        }
        return indices;
    }

    private static String lines(int from, int to) {
        StringBuilder text = new StringBuilder();
        IntStream.range(from, to).forEach(i -> text.append("{\"index\":").append(i).append(",\"text\":\"row ").append(i)
                .append("\"}\n"));
        return text.toString();
    }
}
