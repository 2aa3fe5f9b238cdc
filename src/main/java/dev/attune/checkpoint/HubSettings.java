package dev.attune.checkpoint;

import java.nio.file.Path;
import java.util.Map;

import dev.attune.system.AttuneProperties;

/**
 * Where the Hugging Face Hub is and where its cache lives, with the Hub's own environment variables
 * taking precedence as in huggingface_hub: HF_ENDPOINT, HF_HUB_CACHE / HF_HOME, HF_TOKEN, HF_HUB_OFFLINE.
 */
public record HubSettings(String endpoint, Path cacheDir, String token, boolean offline) {

    public static HubSettings from(AttuneProperties.Hub hub, Map<String, String> env) {
        String endpoint = nonBlank(env.get("HF_ENDPOINT"), hub.endpoint());
        Path cache = hub.cacheDir();
        if (env.get("HF_HUB_CACHE") != null && !env.get("HF_HUB_CACHE").isBlank()) {
            cache = Path.of(env.get("HF_HUB_CACHE"));
        } else if (cache == null) {
            Path home = env.get("HF_HOME") != null && !env.get("HF_HOME").isBlank() ? Path.of(env.get("HF_HOME"))
                    : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
            cache = home.resolve("hub");
        }
        String offlineEnv = env.getOrDefault("HF_HUB_OFFLINE", "");
        boolean offline = hub.offline() || offlineEnv.equals("1") || offlineEnv.equalsIgnoreCase("true");
        String token = env.get("HF_TOKEN");
        return new HubSettings(endpoint.replaceAll("/+$", ""), cache, token == null || token.isBlank() ? null : token, offline);
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
