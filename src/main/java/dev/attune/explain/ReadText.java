package dev.attune.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.attune.modeling.LongText;

/**
 * The tokens a model reads of one text (or sentence pair), as /predict reads them (cut to maxLength, or head_tail's
 * head and tail; a pair longest side first), with the word each belongs to and the words' places in the text as sent: UTF-16 indexes (Java's and JavaScript's
 * {@code String} indexes), so {@code text.substring(start, end)} (JS {@code text.slice(start, end)}) is the word.
 *
 * @param ids token ids, special tokens included
 * @param typeIds token types
 * @param wordOf per token, the index of its word in {@code words}; -1 for special tokens
 * @param words the words read, in order
 * @param truncated whether part of the text went unread
 * @param pair whether these are a sentence pair's tokens
 */
record ReadText(long[] ids, long[] typeIds, int[] wordOf, List<Word> words, boolean truncated, boolean pair) {

    /**
     * A word of the text (or of its pair): its characters [start, end) as UTF-16 indexes.
     *
     * @param text the word as it appears in the text
     * @param inPair whether it is a word of the pair's second text (the offsets index into that one)
     */
    record Word(String text, int start, int end, boolean inPair) {
    }

    /**
     * The tokens of {@code whole} (the text's whole encoding) a model with this maxLength reads under {@code rule}
     * (truncate or head_tail; the caller refuses sliding windows).
     */
    static ReadText of(String text, Encoding whole, int maxLength, LongText rule) {
        int[] kept = kept(whole.getSpecialTokenMask(), maxLength, rule);
        return read(text, null, whole, kept, kept.length < whole.getIds().length);
    }

    /**
     * A sentence pair's tokens as the model reads them: {@code cut} is the pair's encoding cut to maxLength (longest
     * side first, as /predict cuts it); {@code wholeLength} its tokens uncut.
     */
    static ReadText ofPair(String text, String pair, Encoding cut, int wholeLength) {
        int[] all = new int[cut.getIds().length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return read(text, pair, cut, all, wholeLength > all.length);
    }

    /** The kept tokens of an encoding, grouped into words; a pair's second text starts after the first separator. */
    private static ReadText read(String text, String pair, Encoding encoding, int[] kept, boolean truncated) {
        long[] ids = encoding.getIds();
        long[] special = encoding.getSpecialTokenMask();
        long[] wordIds = encoding.getWordIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[][] utf16 = {utf16Indexes(text), pair == null ? null : utf16Indexes(pair)};
        long[] keptIds = new long[kept.length];
        long[] keptTypes = new long[kept.length];
        int[] wordOf = new int[kept.length];
        List<Word> words = new ArrayList<>();
        long lastWord = Long.MIN_VALUE;
        int sequence = 0;
        boolean contentSeen = false;
        for (int i = 0; i < kept.length; i++) {
            int token = kept[i];
            keptIds[i] = ids[token];
            keptTypes[i] = encoding.getTypeIds()[token];
            CharSpan span = spans[token];
            if (special[token] == 1 || span == null || span.getStart() < 0 || span.getEnd() <= span.getStart()) {
                wordOf[i] = -1;
                if (special[token] == 1 && contentSeen && pair != null) {
                    sequence = 1; // [SEP] (RoBERTa </s></s>) after the first text's tokens: the pair's follow
                }
                continue;
            }
            contentSeen = true;
            String source = sequence == 0 ? text : pair;
            int[] indexes = utf16[sequence];
            int start = indexes[Math.min(span.getStart(), indexes.length - 1)];
            int end = indexes[Math.min(span.getEnd(), indexes.length - 1)];
            Word last = words.isEmpty() ? null : words.get(words.size() - 1);
            if (wordIds[token] == lastWord && last != null && wordOf[i - 1] >= 0 && last.inPair() == (sequence == 1)) {
                int to = Math.max(end, last.end()); // a further subword of the same word
                words.set(words.size() - 1, new Word(source.substring(last.start(), to), last.start(), to, last.inPair()));
            } else {
                words.add(new Word(source.substring(start, end), start, end, sequence == 1));
            }
            wordOf[i] = words.size() - 1;
            lastWord = wordIds[token];
        }
        return new ReadText(keptIds, keptTypes, wordOf, words, truncated, pair != null);
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
