package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class LengthGroupsTest {

    @Test
    void similarLengthsStayOneBatch() {
        List<int[]> groups = LengthGroups.of(texts(10, 11, 12, 10, 9));
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0)).containsExactly(4, 0, 3, 1, 2); // sorted by length
    }

    @Test
    void shortAndLongTextsSplitSoPaddingStaysUnderAQuarter() {
        List<TextEncoder.Tokens> texts = texts(8, 120, 9, 110, 10, 8);
        List<int[]> groups = LengthGroups.of(texts);
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsExactlyInAnyOrder(0, 2, 4, 5);
        assertThat(groups.get(1)).containsExactlyInAnyOrder(1, 3);
        for (int[] group : groups) {
            int longest = IntStream.of(group).map(i -> texts.get(i).ids().length).max().orElseThrow();
            int real = IntStream.of(group).map(i -> texts.get(i).ids().length).sum();
            assertThat(1 - (double) real / (longest * group.length)).isLessThanOrEqualTo(LengthGroups.MAX_PADDING);
        }
    }

    @Test
    void everyTextIsInExactlyOneGroup() {
        List<TextEncoder.Tokens> texts = texts(5, 64, 3, 17, 33, 2, 2, 50, 49, 7, 12);
        assertThat(LengthGroups.of(texts).stream().flatMapToInt(IntStream::of).sorted().toArray())
                .containsExactly(IntStream.range(0, texts.size()).toArray());
    }

    private static List<TextEncoder.Tokens> texts(int... lengths) {
        return IntStream.of(lengths).mapToObj(n -> new TextEncoder.Tokens(new long[n], new long[n], false)).toList();
    }
}
