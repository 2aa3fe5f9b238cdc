package dev.attune.modeling;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import dev.attune.checkpoint.CheckpointDir;
import java.util.ArrayList;
import dev.attune.checkpoint.CheckpointException;

/**
 * Turns texts into padded id batches with the checkpoint's own tokenizer.json (DJL's Rust binding of
 * Hugging Face tokenizers). Sequences are truncated to a maximum length that never exceeds the
 * model's positions; the default is tokenizer_config.json's model_max_length, as in transformers.
 */
public final class TextEncoder implements AutoCloseable {

    private final CheckpointDir checkpoint;
    private final int positionLimit;
    private final int defaultMaxLength;
    private final long padId;
    private final Map<Integer, HuggingFaceTokenizer> byMaxLength = new ConcurrentHashMap<>();
    /** The unknown token's id, read once when first asked (monitoring counts it); null until then. */
    private volatile Long unknownId;

    public TextEncoder(CheckpointDir checkpoint, int positionLimit, long padId) {
        this.checkpoint = checkpoint;
        this.positionLimit = positionLimit;
        Integer configured = checkpoint.tokenizerMaxLength();
        this.defaultMaxLength = configured == null ? positionLimit : Math.min(configured, positionLimit);
        this.padId = padId;
        tokenizer(defaultMaxLength); // fail fast on a broken tokenizer.json
    }

    public int defaultMaxLength() {
        return defaultMaxLength;
    }

    /** The most tokens a sequence can have with this model. */
    public int positionLimit() {
        return positionLimit;
    }

    /** Encodes with the default maximum length. */
    public EncodedBatch encode(List<String> texts) {
        return encode(texts, defaultMaxLength);
    }

    public EncodedBatch encode(List<String> texts, int maxLength) {
        return encode(texts, maxLength, Padding.LONGEST);
    }

    /** How a batch is padded: to its longest sequence (dynamic padding) or always to maxLength. */
    public enum Padding {
        LONGEST, MAX_LENGTH
    }

    public EncodedBatch encode(List<String> texts, int maxLength, Padding padding) {
        return EncodedBatch.of(tokens(texts, maxLength), padId, padding == Padding.MAX_LENGTH ? maxLength : 1);
    }

    /** One text's tokens, unpadded: ids (with special tokens), token types, and whether it was cut to maxLength. */
    public record Tokens(long[] ids, long[] typeIds, boolean truncated) {
    }

    /** Each text's tokens, unpadded (the caller batches them): what {@link #encode} pads, text by text. */
    public List<Tokens> tokens(List<String> texts, int maxLength) {
        return tokens(texts, null, maxLength);
    }

    /**
     * Each text's (or text pair's) tokens, unpadded. A pair is encoded as the checkpoint's tokenizer encodes
     * pairs (BERT {@code [CLS] a [SEP] b [SEP]} with token types 0 then 1; RoBERTa {@code <s> a </s></s> b </s>})
     * and cut to maxLength longest side first, as transformers' {@code truncation=True} ({@code longest_first}).
     *
     * @param pairs each text's second text; null for single texts
     */
    public List<Tokens> tokens(List<String> texts, List<String> pairs, int maxLength) {
        if (maxLength < 2 || maxLength > positionLimit) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is outside 2.." + positionLimit
                    + " (the model's positions)");
        }
        if (pairs != null && pairs.size() != texts.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs");
        }
        Encoding[] encodings = pairs == null ? tokenizer(maxLength).batchEncode(texts)
                : tokenizer(maxLength).batchEncode(new PairList<>(texts, pairs));
        List<Tokens> tokens = new ArrayList<>(encodings.length);
        for (int i = 0; i < encodings.length; i++) {
            long[] ids = encodings[i].getIds();
            tokens.add(new Tokens(ids, encodings[i].getTypeIds(), ids.length >= maxLength
                    && fullLength(texts.get(i), pairs == null ? null : pairs.get(i)) > maxLength));
        }
        return tokens;
    }

    /**
     * Each text as the windows a long-text rule reads (one window when it fits, or for {@code truncate}).
     * Pairs are cut longest side first whatever the rule. A window carries the model's special tokens.
     *
     * @param stride tokens between the starts of two sliding windows
     */
    public List<List<Tokens>> windows(List<String> texts, List<String> pairs, int maxLength, LongText rule, int stride) {
        return windows(texts, pairs, maxLength, rule, stride, Integer.MAX_VALUE);
    }

    /**
     * As {@link #windows(List, List, int, LongText, int)}, refusing a text that would need more than
     * {@code maxWindows} windows before any window is built (a long text at a small stride is tens of thousands).
     *
     * @throws TooManyWindowsException naming the text and how many windows it needs
     */
    public List<List<Tokens>> windows(List<String> texts, List<String> pairs, int maxLength, LongText rule, int stride,
            int maxWindows) {
        if (rule == LongText.SLIDING_WINDOW && pairs == null) {
            for (int i = 0; i < texts.size(); i++) { // before tokenizing: a 500 KB text takes seconds to
                long atLeast = windowCount(words(texts.get(i)), maxLength, stride); // a token a word at least
                if (atLeast > maxWindows) {
                    throw new TooManyWindowsException(i, atLeast, maxWindows);
                }
            }
        }
        List<Tokens> cut = tokens(texts, pairs, maxLength);
        List<List<Tokens>> windows = new ArrayList<>(cut.size());
        for (int i = 0; i < cut.size(); i++) {
            boolean split = rule != LongText.TRUNCATE && pairs == null && cut.get(i).truncated();
            if (!split) {
                windows.add(List.of(cut.get(i)));
                continue;
            }
            Encoding full = tokenizer(0).encode(texts.get(i));
            long needed = rule == LongText.HEAD_TAIL ? 1 : slidingWindows(full, maxLength, stride);
            if (needed > maxWindows) {
                throw new TooManyWindowsException(i, needed, maxWindows);
            }
            windows.add(split(full, maxLength, rule, stride));
        }
        return windows;
    }

    /** How many sliding windows {@link #split} cuts a text into: one per stride until the last reaches its end. */
    private static long slidingWindows(Encoding full, int maxLength, int stride) {
        long[] special = full.getSpecialTokenMask();
        int specials = 0;
        for (long mark : special) {
            specials += (int) mark;
        }
        return windowCount(special.length - specials, maxLength - specials, stride);
    }

    private static long windowCount(long length, long room, int stride) {
        long step = Math.max(1, stride);
        return length <= room ? 1 : 1 + (length - room + step - 1) / step;
    }

    /**
     * Words between spaces, tabs and line breaks that hold a letter or a digit: every tokenizer attune reads
     * (WordPiece, byte-level BPE, SentencePiece) makes at least one token of each (characters a normaliser drops,
     * such as zero-width or control ones, never make a word alone), so the windows they give are a lower bound.
     */
    private static long words(String text) {
        long words = 0;
        boolean inWord = false;
        boolean counted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
            if (space) {
                inWord = false;
                continue;
            }
            counted = inWord && counted;
            inWord = true;
            if (!counted && Character.isLetterOrDigit(c)) {
                words++;
                counted = true;
            }
        }
        return words;
    }

    /** A long single text's windows: its content tokens cut per the rule, each between the special tokens. */
    private static List<Tokens> split(Encoding full, int maxLength, LongText rule, int stride) {
        long[] ids = full.getIds();
        long[] special = full.getSpecialTokenMask();
        int prefix = 0;
        while (prefix < ids.length && special[prefix] == 1) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < ids.length - prefix && special[ids.length - 1 - suffix] == 1) {
            suffix++;
        }
        int length = ids.length - prefix - suffix;
        int room = maxLength - prefix - suffix;
        List<Tokens> windows = new ArrayList<>();
        if (rule == LongText.HEAD_TAIL) {
            int head = room / 4;
            long[] kept = new long[room];
            System.arraycopy(ids, prefix, kept, 0, head);
            System.arraycopy(ids, prefix + length - (room - head), kept, head, room - head);
            windows.add(window(ids, prefix, suffix, kept, true));
            return windows;
        }
        for (int start = 0; ; start += Math.max(1, stride)) {
            int end = Math.min(start + room, length);
            windows.add(window(ids, prefix, suffix, java.util.Arrays.copyOfRange(ids, prefix + start, prefix + end), false));
            if (end == length) {
                return windows;
            }
        }
    }

    private static Tokens window(long[] ids, int prefix, int suffix, long[] content, boolean truncated) {
        long[] window = new long[prefix + content.length + suffix];
        System.arraycopy(ids, 0, window, 0, prefix);
        System.arraycopy(content, 0, window, prefix, content.length);
        System.arraycopy(ids, ids.length - suffix, window, prefix + content.length, suffix);
        return new Tokens(window, new long[window.length], truncated);
    }

    /** The tokenizer's unknown-token id, or -1 when it has none (byte-level BPE never meets an unknown text). */
    public long unknownId() {
        Long id = unknownId;
        if (id == null) {
            id = UnknownToken.idOf(checkpoint);
            unknownId = id;
        }
        return id;
    }

    /**
     * One text's (or pair's) encoding with word ids and character spans (explanations map tokens to words): cut to
     * {@code maxLength} tokens (a pair longest side first, as {@link #tokens} cuts it), or whole when {@code maxLength}
     * is 0. Spans count Unicode code points, each within its own text.
     *
     * @param pair the text's second text; null for a single text
     */
    public Encoding encoding(String text, String pair, int maxLength) {
        if (maxLength < 0 || maxLength > positionLimit) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is outside 0.." + positionLimit);
        }
        return pair == null ? tokenizer(maxLength).encode(text) : tokenizer(maxLength).encode(text, pair);
    }

    /** The model's padding token id. */
    public long padId() {
        return padId;
    }

    /** Tokens the text (or pair) has without truncation (checked only for those that reach the limit). */
    private int fullLength(String text, String pair) {
        return (pair == null ? tokenizer(0).encode(text) : tokenizer(0).encode(text, pair)).getIds().length;
    }

    /** A tokenizer truncating to maxLength; 0 means no truncation. */
    private HuggingFaceTokenizer tokenizer(int maxLength) {
        return byMaxLength.computeIfAbsent(maxLength, length -> {
            Map<String, String> options = new HashMap<>();
            options.put("addSpecialTokens", "true");
            options.put("padding", "false");
            if (length > 0) {
                options.put("truncation", "true");
                options.put("maxLength", Integer.toString(length));
                options.put("modelMaxLength", Integer.toString(length));
            } else {
                options.put("truncation", "false");
            }
            try {
                return HuggingFaceTokenizer.newInstance(checkpoint.path(), options);
            } catch (IOException | RuntimeException e) {
                throw new CheckpointException("tokenizer.json in " + checkpoint.path() + " cannot be loaded: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        byMaxLength.values().forEach(HuggingFaceTokenizer::close);
        byMaxLength.clear();
    }
}
