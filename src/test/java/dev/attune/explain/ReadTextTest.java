package dev.attune.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LongText;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;

/** Tokens to words: what the model reads, each word's place in the text as sent (UTF-16 indexes). */
class ReadTextTest {

    @Test
    void wordsSliceTheTextAsSentWhateverItsCharacters() {
        String text = "Ça, c'est 😀 très unbelievably “good” — naïve!";
        for (String name : List.of("tiny-bert-sst2", "tiny-distilbert-sst2", "tiny-roberta-sst2")) {
            try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu())) {
                ReadText read = ReadText.of(text, model.textEncoder().encoding(text, null, 0), model.maxLength(),
                        LongText.TRUNCATE);

                assertThat(read.truncated()).isFalse();
                assertThat(read.ids()).isEqualTo(model.textEncoder().tokens(List.of(text), model.maxLength()).get(0).ids());
                int previousEnd = 0;
                for (ReadText.Word word : read.words()) {
                    assertThat(text.substring(word.start(), word.end())).as(name).isEqualTo(word.text());
                    assertThat(word.start()).as(name).isGreaterThanOrEqualTo(previousEnd);
                    previousEnd = word.end();
                }
                assertThat(read.words()).extracting(ReadText.Word::text).as(name).contains("unbelievably", "good");
                assertThat(read.words().get(read.words().size() - 1).end()).as(name).isEqualTo(text.length());
            }
        }
    }

    @Test
    void aPairsWordsSayWhichTextTheirOffsetsIndex() {
        String text = "Ça, c'est 😀 très bien";
        String pair = "naïve 😀😀 unbelievably “good”";
        for (String name : List.of("tiny-bert-sst2", "tiny-roberta-sst2")) {
            try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu())) {
                int maxLength = model.maxLength();
                ReadText read = ReadText.ofPair(text, pair, model.textEncoder().encoding(text, pair, maxLength),
                        model.textEncoder().encoding(text, pair, 0).getIds().length);

                assertThat(read.pair()).isTrue();
                assertThat(read.truncated()).isFalse();
                assertThat(read.ids()).isEqualTo(model.textEncoder().tokens(List.of(text), List.of(pair), maxLength)
                        .get(0).ids());
                for (ReadText.Word word : read.words()) {
                    String source = word.inPair() ? pair : text;
                    assertThat(source.substring(word.start(), word.end())).as(name).isEqualTo(word.text());
                }
                assertThat(read.words()).filteredOn(ReadText.Word::inPair).extracting(ReadText.Word::text).as(name)
                        .contains("unbelievably", "good").doesNotContain("bien");
                assertThat(read.words()).filteredOn(w -> !w.inPair()).extracting(ReadText.Word::text).as(name)
                        .contains("bien").doesNotContain("good");
            }
        }
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            String longPair = "good ".repeat(40); // cut longest side first: the pair loses tokens, the text none
            ReadText cut = ReadText.ofPair(text, longPair, model.textEncoder().encoding(text, longPair, 16),
                    model.textEncoder().encoding(text, longPair, 0).getIds().length);
            assertThat(cut.truncated()).isTrue();
            assertThat(cut.ids()).isEqualTo(model.textEncoder().tokens(List.of(text), List.of(longPair), 16).get(0).ids());
        }
    }

    @Test
    void aLongTextIsReadAsPredictReadsIt() {
        String text = "good ".repeat(40) + "but the ending is awful";
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            int maxLength = 16;
            ReadText cut = ReadText.of(text, model.textEncoder().encoding(text, null, 0), maxLength, LongText.TRUNCATE);
            assertThat(cut.truncated()).isTrue();
            assertThat(cut.ids()).isEqualTo(model.textEncoder().tokens(List.of(text), maxLength).get(0).ids());
            assertThat(cut.words()).hasSize(maxLength - 2).allMatch(w -> w.text().equals("good"));

            ReadText headTail = ReadText.of(text, model.textEncoder().encoding(text, null, 0), maxLength, LongText.HEAD_TAIL);
            assertThat(headTail.ids()).isEqualTo(model.textEncoder()
                    .windows(List.of(text), null, maxLength, LongText.HEAD_TAIL, 8).get(0).get(0).ids());
            assertThat(headTail.words().get(headTail.words().size() - 1).text()).isEqualTo("awful");
            assertThat(headTail.baselineIds(0)).startsWith(headTail.ids()[0]).endsWith(headTail.ids()[maxLength - 1]);
        }
    }
}
