package dev.attune.checkpoint;

import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a base model comes from, told apart once when the text is read: a registered model's id, an
 * absolute local path (checked against the import roots when it is resolved), or a Hugging Face Hub id
 * {@code org/name[@revision]}. Written back as the text it was read from, so stored job configurations
 * (plain strings) keep loading.
 */
public sealed interface ModelReference {

    /** A registered model's id: a UUID in lower case, as the service makes them. */
    Pattern REGISTERED_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The text as the API and stored configurations spell it. */
    @JsonValue
    String text();

    /** A short name for display: the id, or the last part of a path or Hub id. */
    default String shortName() {
        String trimmed = text().replaceAll("[/\\\\]+$", "");
        return trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
    }

    record Registered(String id) implements ModelReference {
        @Override
        public String text() {
            return id;
        }
    }

    record LocalPath(String path) implements ModelReference {
        @Override
        public String text() {
            return path;
        }
    }

    /** @param revision a branch, tag or commit; null: main */
    record HubRepo(String repo, String revision) implements ModelReference {
        @Override
        public String text() {
            return revision == null ? repo : repo + "@" + revision;
        }
    }

    /**
     * Reads a reference; anything that is none of the three is refused with what was wrong. Control characters
     * are refused before trimming, which would hide a trailing one.
     */
    @JsonCreator
    static ModelReference parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a base model is required: a registered model id, an absolute path "
                    + "under the import roots, or a Hub id org/name");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new IllegalArgumentException("the model source has a control character (code "
                        + (int) text.charAt(i) + ") at position " + i + "; give a plain absolute path or Hub id");
            }
        }
        String value = text.trim();
        if (value.isEmpty()) {
            return parse(null);
        }
        if (REGISTERED_ID.matcher(value).matches()) {
            return new Registered(value);
        }
        if (isPath(value)) {
            return new LocalPath(value);
        }
        int at = value.indexOf('@');
        String repo = at > 0 ? value.substring(0, at) : value;
        String revision = at > 0 && at < value.length() - 1 ? value.substring(at + 1) : null;
        if (!HubClient.REPO_ID.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("'" + value + "' is neither a registered model id, an absolute path, "
                    + "nor a Hub id (org/name[@revision])");
        }
        return new HubRepo(repo, revision);
    }

    /** Paths start with "/", "~" or "." or use backslashes; Hub ids never do. */
    static boolean isPath(String value) {
        return value.startsWith("/") || value.startsWith("~") || value.startsWith(".") || value.contains("\\");
    }
}
