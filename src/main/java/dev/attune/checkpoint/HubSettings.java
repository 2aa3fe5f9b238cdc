package dev.attune.checkpoint;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the Hugging Face Hub is and where its cache lives, with the Hub's own environment variables
 * taking precedence as in huggingface_hub: HF_ENDPOINT, HF_HUB_CACHE / HF_HOME, HF_TOKEN, HF_HUB_OFFLINE.
 */
public record HubSettings(String endpoint, Path cacheDir, String token, boolean offline) {

    /**
     * @param endpoint the configured Hub address
     * @param cacheDir the configured cache, or null for the Hub's default
     * @param offline whether downloads are off by configuration
     * @param env the process environment, whose HF_* variables win
     */
    public static HubSettings from(String endpoint, Path cacheDir, boolean offline, Map<String, String> env) {
        endpoint = nonBlank(env.get("HF_ENDPOINT"), endpoint);
        Path cache = cacheDir;
        if (env.get("HF_HUB_CACHE") != null && !env.get("HF_HUB_CACHE").isBlank()) {
            cache = Path.of(env.get("HF_HUB_CACHE"));
        } else if (cache == null) {
            Path home = env.get("HF_HOME") != null && !env.get("HF_HOME").isBlank() ? Path.of(env.get("HF_HOME"))
                    : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
            cache = home.resolve("hub");
        }
        String offlineEnv = env.getOrDefault("HF_HUB_OFFLINE", "");
        offline = offline || offlineEnv.equals("1") || offlineEnv.equalsIgnoreCase("true");
        String token = env.get("HF_TOKEN");
        return new HubSettings(endpoint.replaceAll("/+$", ""), cache, token == null || token.isBlank() ? null : token, offline);
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
