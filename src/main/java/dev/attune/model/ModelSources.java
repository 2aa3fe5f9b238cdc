package dev.attune.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.HubClient;
import dev.attune.checkpoint.HubException;
import dev.attune.checkpoint.HubSettings;
import dev.attune.checkpoint.ModelReference;
import dev.attune.system.AttuneProperties;
import dev.attune.errors.Forbidden;
import dev.attune.errors.InvalidInput;
import dev.attune.system.Problems;

import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Turns a user's {@code source} into a checkpoint directory: an absolute local path, accepted only
 * under {@code attune.models.import-roots} (symlinks resolved, no ".."), or a Hub id {@code org/name}
 * (optionally {@code @revision}) downloaded into the Hub cache.
 */
@Component
public class ModelSources {

    private final List<Path> importRoots;
    private final HubClient hub;

    ModelSources(AttuneProperties properties) {
        this.importRoots = properties.models().importRoots();
        AttuneProperties.Hub settings = properties.models().hub();
        this.hub = new HubClient(HubSettings.from(settings.endpoint(), settings.cacheDir(), settings.offline(), System.getenv()));
    }

    /** A resolved source: where the checkpoint is, and how to describe where it came from. */
    public record Resolved(Path dir, String description) {
    }

    /** The checkpoint directory when {@code source} is a local path (checked as {@link #resolve} does), else null. */
    public Path localDirectory(String source) {
        String value = source == null ? "" : refuseControlCharacters(source).trim();
        return !value.isEmpty() && isPath(value) ? local(value) : null;
    }

    /**
     * The config.json of a Hub source without downloading its weights (the job downloads them when it
     * starts); anything that is not a Hub id is refused as {@link #resolve} would.
     */
    public JsonNode hubConfig(String source) {
        String value = source == null ? "" : refuseControlCharacters(source).trim();
        int at = value.indexOf('@');
        String repo = at > 0 ? value.substring(0, at) : value;
        if (value.isEmpty() || isPath(value) || !HubClient.REPO_ID.matcher(repo).matches()) {
            return CheckpointDir.open(resolve(value, null).dir()).configJson(); // resolve says what is wrong
        }
        try {
            return hub.config(repo, at > 0 ? value.substring(at + 1) : null);
        } catch (HubException e) {
            throw new HubException(e.status(), "'" + value + "' is not an absolute path, so it was looked up as the "
                    + "Hugging Face Hub model " + repo + ": " + e.getMessage()
                    + " (For a local checkpoint give its absolute path under one of " + importRoots + ".)");
        }
    }

    /**
     * NUL and other control characters never belong in a path or a Hub id (and NUL breaks file APIs); checked
     * before trimming, which would hide a trailing one that the stored value still has.
     */
    private static String refuseControlCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidInput("Invalid characters", "The model source has a control character (code "
                        + (int) value.charAt(i) + ") at position " + i + ". Give a plain absolute path or Hub id.");
            }
        }
        return value;
    }

    private static boolean isPath(String value) {
        return ModelReference.isPath(value);
    }

    /** A job's base model when it is not a registered one: a local path (under the roots) or a Hub snapshot. */
    public Resolved resolve(ModelReference reference) {
        return reference instanceof ModelReference.HubRepo hub ? resolve(hub.repo(), hub.revision())
                : resolve(reference.text(), null);
    }

    public Resolved resolve(String source, String revision) {
        String value = source == null ? "" : refuseControlCharacters(source).trim();
        if (value.isEmpty()) {
            throw new InvalidInput("Missing source",
                    "Give source: an absolute path under attune.models.import-roots, or a Hub id like org/name.");
        }
        if (isPath(value)) {
            if (revision != null && !revision.isBlank()) {
                throw new InvalidInput("Revision of a local path", "revision '" + Problems.echo(revision) + "' applies "
                        + "to Hub ids only; a local checkpoint has no revisions. Leave revision out, or give a Hub id.");
            }
            return new Resolved(local(value), value);
        }
        String repo = value;
        String rev = revision;
        int at = value.indexOf('@');
        if (at > 0) {
            repo = value.substring(0, at);
            rev = value.substring(at + 1);
        }
        if (!HubClient.REPO_ID.matcher(repo).matches()) {
            throw new InvalidInput("Unrecognised source", "'" + value + "' is neither an absolute path nor "
                    + "a Hub id (org/name[@revision]).");
        }
        if (Files.isDirectory(Path.of(value))) {
            throw new InvalidInput("Relative path", "'" + value + "' is a relative path (a directory of "
                    + "that name exists here). Give the checkpoint's absolute path under one of " + importRoots + ".");
        }
        String revisionText = rev == null || rev.isBlank() ? "main" : rev;
        try {
            return new Resolved(hub.snapshot(repo, rev), "hf://" + repo + "@" + revisionText);
        } catch (HubException e) {
            throw new HubException(e.status(), "'" + value + "' is not an absolute path, so it was looked up as the "
                    + "Hugging Face Hub model " + repo + "@" + revisionText + ": " + e.getMessage()
                    + " (For a local checkpoint give its absolute path under one of " + importRoots + ".)");
        }
    }

    /**
     * A symbolic link inside the checkpoint (to a file or a directory) must stay under the import root:
     * otherwise a "vocab.txt" linking to /etc/passwd would be copied into the model and served by its
     * download.
     */
    private static void refuseLinksLeaving(Path checkpoint, Path realRoot, String value) throws IOException {
        try (Stream<Path> entries = Files.walk(checkpoint, 3)) {
            for (Path entry : entries.toList()) {
                if (Files.isSymbolicLink(entry) && !entry.toRealPath().startsWith(realRoot)) {
                    throw new Forbidden("Link outside import roots", "'" + value
                            + "' holds the symbolic link '" + checkpoint.relativize(entry) + "', which points outside "
                            + "the import root " + realRoot + ". Replace the link with the file itself.");
                }
            }
        }
    }

    /** A local directory, checked to lie under an import root. */
    public Path local(String value) {
        if (List.of(value.split("[/\\\\]")).contains("..")) {
            throw new InvalidInput("Path escapes", "The path '" + value + "' contains '..'. Give the "
                    + "checkpoint's absolute path, without '..'.");
        }
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            throw new InvalidInput("Relative path", "The path '" + value + "' is relative. Give the "
                    + "checkpoint's absolute path under one of " + importRoots + ".");
        }
        if (importRoots.isEmpty()) {
            throw new Forbidden("Local imports disabled", "No attune.models.import-roots "
                    + "are configured, so no local path may be imported. Add the checkpoint's parent directory there.");
        }
        if (!Files.isDirectory(path)) {
            // outside the roots a missing path is refused exactly as an existing one: no probing what exists
            if (importRoots.stream().noneMatch(root -> path.normalize().startsWith(root.toAbsolutePath().normalize()))) {
                throw new Forbidden("Outside import roots", "'" + Problems.echo(value) + "' is not under the configured "
                        + "import roots. Move the checkpoint there or add a root to attune.models.import-roots.");
            }
            throw new InvalidInput("No such directory", "'" + value + "' is not an existing directory.");
        }
        try {
            Path real = path.toRealPath();
            List<String> roots = new ArrayList<>();
            for (Path root : importRoots) {
                if (Files.isDirectory(root)) {
                    Path realRoot = root.toRealPath();
                    roots.add(realRoot.toString());
                    if (real.startsWith(realRoot)) {
                        refuseLinksLeaving(real, realRoot, value);
                        return real;
                    }
                }
            }
            throw new Forbidden("Outside import roots", "'" + value + "' is not under "
                    + "the configured import roots " + roots + ". Move the checkpoint there or add a root to "
                    + "attune.models.import-roots.");
        } catch (IOException e) {
            throw new InvalidInput("Unreadable path", "'" + value + "' cannot be read: " + e.getMessage());
        }
    }
}
