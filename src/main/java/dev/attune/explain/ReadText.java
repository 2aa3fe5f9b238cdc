package dev.attune.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.attune.modeling.LongText;

/**
 * The tokens a model reads of one text, as /predict reads them (cut to maxLength, or head_tail's head and tail), with
 * the word each belongs to and the words' places in the text as sent: UTF-16 indexes (Java's and JavaScript's
 * {@code String} indexes), so {@code text.substring(start, end)} (JS {@code text.slice(start, end)}) is the word.
 *
 * @param ids token ids, special tokens included
 * @param typeIds token types
 * @param wordOf per token, the index of its word in {@code words}; -1 for special tokens
 * @param words the words read, in order
 * @param truncated whether part of the text went unread
 */
record ReadText(long[] ids, long[] typeIds, int[] wordOf, List<Word> words, boolean truncated) {

    /**
     * A word of the text: its characters [start, end) as UTF-16 indexes.
     *
     * @param text the word as it appears in the text
     */
    record Word(String text, int start, int end) {
    }

    /**
     * The tokens of {@code whole} (the text's whole encoding) a model with this maxLength reads under {@code rule}
     * (truncate or head_tail; the caller refuses sliding windows).
     */
    static ReadText of(String text, Encoding whole, int maxLength, LongText rule) {
        long[] ids = whole.getIds();
        long[] special = whole.getSpecialTokenMask();
        int[] kept = kept(special, maxLength, rule);
        boolean truncated = kept.length < ids.length;
        int[] utf16 = utf16Indexes(text);
        long[] wordIds = whole.getWordIds();
        CharSpan[] spans = whole.getCharTokenSpans();
        long[] keptIds = new long[kept.length];
        long[] keptTypes = new long[kept.length];
        int[] wordOf = new int[kept.length];
        List<Word> words = new ArrayList<>();
        long lastWord = Long.MIN_VALUE;
        for (int i = 0; i < kept.length; i++) {
            int token = kept[i];
            keptIds[i] = ids[token];
            keptTypes[i] = whole.getTypeIds()[token];
            CharSpan span = spans[token];
            if (special[token] == 1 || span == null || span.getStart() < 0 || span.getEnd() <= span.getStart()) {
                wordOf[i] = -1;
                continue;
            }
            int start = utf16[Math.min(span.getStart(), utf16.length - 1)];
            int end = utf16[Math.min(span.getEnd(), utf16.length - 1)];
            if (wordIds[token] == lastWord && !words.isEmpty() && wordOf[i - 1] >= 0) {
                Word last = words.get(words.size() - 1); // a further subword of the same word
                words.set(words.size() - 1, new Word(text.substring(last.start(), Math.max(end, last.end())),
                        last.start(), Math.max(end, last.end())));
            } else {
                words.add(new Word(text.substring(start, end), start, end));
            }
            wordOf[i] = words.size() - 1;
            lastWord = wordIds[token];
        }
        return new ReadText(keptIds, keptTypes, wordOf, words, truncated);
    }

    /** The same tokens with every non-special one replaced by the padding token: IG's baseline. */
    long[] baselineIds(long padId) {
        long[] baseline = Arrays.copyOf(ids, ids.length);
        for (int i = 0; i < baseline.length; i++) {
            if (wordOf[i] >= 0) {
                baseline[i] = padId;
            }
        }
        return baseline;
    }

    /** Each word's attribution: the sum of its tokens'. */
    float[] perWord(float[] perToken) {
        float[] perWord = new float[words.size()];
        for (int i = 0; i < perToken.length; i++) {
            if (wordOf[i] >= 0) {
                perWord[wordOf[i]] += perToken[i];
            }
        }
        return perWord;
    }

    /** Indexes of the tokens read: specials around the content, cut as TextEncoder cuts a long text. */
    private static int[] kept(long[] special, int maxLength, LongText rule) {
        int n = special.length;
        if (n <= maxLength) {
            return range(0, n);
        }
        int prefix = 0;
        while (prefix < n && special[prefix] == 1) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < n - prefix && special[n - 1 - suffix] == 1) {
            suffix++;
        }
        int room = maxLength - prefix - suffix;
        int head = rule == LongText.HEAD_TAIL ? room / 4 : room;
        int[] kept = new int[maxLength];
        int next = 0;
        for (int i = 0; i < prefix + head; i++) {
            kept[next++] = i;
        }
        for (int i = n - suffix - (room - head); i < n; i++) {
            kept[next++] = i;
        }
        return kept;
    }

    private static int[] range(int from, int to) {
        int[] range = new int[to - from];
        for (int i = 0; i < range.length; i++) {
            range[i] = from + i;
        }
        return range;
    }

    /** Per Unicode code point offset (the tokenizer's character offsets), its UTF-16 index in the text. */
    private static int[] utf16Indexes(String text) {
        int[] indexes = new int[text.codePointCount(0, text.length()) + 1];
        int utf16 = 0;
        for (int cp = 0; cp < indexes.length - 1; cp++) {
            indexes[cp] = utf16;
            utf16 += Character.charCount(text.codePointAt(utf16));
        }
        indexes[indexes.length - 1] = text.length();
        return indexes;
    }
}
