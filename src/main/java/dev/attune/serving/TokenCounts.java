package dev.attune.serving;

import java.util.List;

import dev.attune.modeling.TextEncoder;

/**
 * Each text's tokens as read (every window's, special tokens included) and how many of them were the tokenizer's
 * unknown token: counted on the tokens the request already made, for the {@link ServedRequestObserver}s.
 */
final class TokenCounts {

    private final int[] tokens;
    private final int[] unknown;

    TokenCounts(int texts) {
        this.tokens = new int[texts];
        this.unknown = new int[texts];
    }

    /** Counts each text's windows; {@code unknownId} -1: the tokenizer has no unknown token. */
    void count(List<List<TextEncoder.Tokens>> windows, long unknownId) {
        for (int i = 0; i < windows.size() && i < tokens.length; i++) {
            for (TextEncoder.Tokens window : windows.get(i)) {
                long[] ids = window.ids();
                tokens[i] += ids.length;
                if (unknownId >= 0) {
                    for (long id : ids) {
                        unknown[i] += id == unknownId ? 1 : 0;
                    }
                }
            }
        }
    }

    int tokens(int text) {
        return tokens[text];
    }

    int unknown(int text) {
        return unknown[text];
    }
}
