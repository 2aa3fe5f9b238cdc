package dev.attune.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The configured API keys, held as SHA-256 digests: the single-list form ({@code api-keys}, each key with every
 * scope, named key-1, key-2...) and named keys with scopes ({@code keys}). A presented key is hashed and compared
 * with every digest in constant time.
 */
final class ApiKeys {

    record Key(String name, byte[] sha256, Set<ApiScope> scopes) {

        boolean allows(ApiScope scope) {
            return scopes.contains(scope) || scopes.contains(ApiScope.ADMIN);
        }

        List<String> scopeIds() {
            return scopes.stream().map(ApiScope::id).toList();
        }
    }

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = keys;
    }

    static ApiKeys of(AttuneProperties.Security security) {
        List<Key> keys = new ArrayList<>();
        List<String> plain = security.apiKeys() == null ? List.of() : security.apiKeys();
        for (String key : plain) {
            if (key != null && !key.isBlank()) {
                keys.add(new Key("key-" + (keys.size() + 1), sha256(key), EnumSet.allOf(ApiScope.class)));
            }
        }
        for (AttuneProperties.NamedKey named : security.keys() == null ? List.<AttuneProperties.NamedKey>of()
                : security.keys()) {
            keys.add(new Key(named.name(), HexFormat.of().parseHex(named.sha256().toLowerCase()),
                    EnumSet.copyOf(named.scopes())));
        }
        return new ApiKeys(List.copyOf(keys));
    }

    /** The key presented, or null when it is none of them. */
    Key find(String presented) {
        byte[] digest = sha256(presented);
        Key found = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(key.sha256(), digest) && found == null) {
                found = key; // no early exit: every comparison runs
            }
        }
        return found;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
