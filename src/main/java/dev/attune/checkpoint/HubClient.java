package dev.attune.checkpoint;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Downloads a model repository from the Hugging Face Hub into the Hub's cache layout
 * ({@code models--org--name/blobs}, {@code snapshots/<commit>}, {@code refs/<revision>}), so that
 * checkpoints fetched by Python tools are reused and ours are visible to them. Each file is written
 * as {@code blobs/<etag>.incomplete} and renamed only once complete: an interrupted download never
 * leaves a corrupt file in the cache.
 */
public final class HubClient {

    private static final Logger log = LoggerFactory.getLogger(HubClient.class);

    public static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]*");
    /** A PEFT adapter repository's files (modeling.LoraFiles reads them). */
    private static final String ADAPTER_CONFIG = "adapter_config.json";
    private static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";
    private static final List<String> OPTIONAL_FILES = List.of(CheckpointDir.TOKENIZER_CONFIG, "special_tokens_map.json",
            "vocab.txt", "vocab.json", "merges.txt");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** The local snapshot directory of {@code repoId} at {@code revision}, downloading what is missing. */
    public Path snapshot(String repoId, String revision) {
        String rev = checkedRevision(repoId, revision);
        Path repoDir = repoDir(repoId);
        Path cached = HubCache.completeSnapshot(repoDir, rev);
        if (settings.offline()) {
            return cachedOrRefuse(cached, repoId, rev);
        }
        try {
            return download(repoId, rev, repoDir);
        } catch (IOException e) {
            log.warn("Download of {} from {} failed", repoId, settings.endpoint(), e);
            throw new HubException(502, "Download of " + repoId + " from " + settings.endpoint() + " failed: "
                    + describe(e) + ". Nothing partial was kept. Check that this host reaches the Hub (or set "
                    + "HF_ENDPOINT / attune.models.hub.endpoint to a mirror), then try again.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(503, "Download of " + repoId + " was interrupted");
        }
    }

    /**
     * config.json of {@code repoId} at {@code revision}, fetched alone (or read from the cache): enough
     * to validate a fine-tuning job before it is queued. The repository is checked to have
     * safetensors weights and a tokenizer; nothing else is downloaded.
     */
    public JsonNode config(String repoId, String revision) {
        String rev = checkedRevision(repoId, revision);
        Path cached = HubCache.completeSnapshot(repoDir(repoId), rev);
        if (cached != null || settings.offline()) {
            return CheckpointDir.readJson(cachedOrRefuse(cached, repoId, rev).resolve(CheckpointDir.CONFIG));
        }
        try {
            Revision info = revision(repoId, rev);
            filesToFetch(repoId, info.files());
            return getJson(settings.endpoint() + "/" + repoId + "/resolve/" + info.commit() + "/" + CheckpointDir.CONFIG,
                    repoId, info.commit() + " file " + CheckpointDir.CONFIG);
        } catch (IOException e) {
            log.warn("Reading the config of {} from {} failed", repoId, settings.endpoint(), e);
            throw new HubException(502, "Reading " + repoId + "'s config.json from " + settings.endpoint() + " failed: "
                    + describe(e) + ". Check that this host reaches the Hub, then try again.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(503, "Reading " + repoId + "'s config.json was interrupted");
        }
    }

    /** What went wrong, with the causes: a refused connection has no message of its own. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (!text.isEmpty()) {
                text.append(", caused by ");
            }
            text.append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(" (").append(cause.getMessage()).append(')');
            }
        }
        return text.toString();
    }

    /** The revision (main when none) after checking it and the repository id. */
    private static String checkedRevision(String repoId, String revision) {
        String rev = revision == null || revision.isBlank() ? "main" : revision;
        if (!REPO_ID.matcher(repoId).matches() || repoId.contains("..")) {
            throw new HubException(400, "'" + repoId + "' is not a Hub model id (expected org/name)");
        }
        if (!REVISION.matcher(rev).matches() || rev.contains("..")) {
            throw new HubException(400, "'" + rev + "' is not a valid revision");
        }
        return rev;
    }

    private Path repoDir(String repoId) {
        return settings.cacheDir().resolve("models--" + repoId.replace("/", "--"));
    }

    private Path cachedOrRefuse(Path cached, String repoId, String rev) {
        if (cached == null) {
            throw new HubException(404, repoId + "@" + rev + " is not in the Hub cache " + settings.cacheDir()
                    + " and offline mode is on (attune.models.hub.offline / HF_HUB_OFFLINE)");
        }
        return cached;
    }

    /** A revision as the Hub's API describes it: its commit and the files it holds. */
    private record Revision(String commit, Set<String> files) {
    }

    private Revision revision(String repoId, String rev) throws IOException, InterruptedException {
        JsonNode info = getJson(settings.endpoint() + "/api/models/" + repoId + "/revision/" + encode(rev), repoId, rev);
        String commit = info.path("sha").asString("");
        if (!commit.matches("[0-9a-f]{40}")) {
            throw new HubException(502, "The Hub answered without a commit hash for " + repoId + "@" + rev);
        }
        Set<String> files = new LinkedHashSet<>();
        info.path("siblings").forEach(sibling -> files.add(sibling.path("rfilename").asString("")));
        return new Revision(commit, files);
    }

    private Path download(String repoId, String rev, Path repoDir) throws IOException, InterruptedException {
        Revision info = revision(repoId, rev);
        String commit = info.commit();
        Set<String> available = info.files();
        List<String> files = filesToFetch(repoId, available);

        Path snapshot = repoDir.resolve("snapshots").resolve(commit);
        Files.createDirectories(repoDir.resolve("blobs"));
        Files.createDirectories(snapshot);
        for (String file : files) {
            if (!Files.exists(snapshot.resolve(file))) {
                fetchFile(repoId, commit, file, repoDir, snapshot);
            }
        }
        if (available.contains(CheckpointDir.WEIGHTS_INDEX)) {
            for (String shard : HubCache.shardsOf(snapshot.resolve(CheckpointDir.WEIGHTS_INDEX))) {
                if (!Files.exists(snapshot.resolve(shard))) {
                    fetchFile(repoId, commit, shard, repoDir, snapshot);
                }
            }
        }
        Files.createDirectories(repoDir.resolve("refs"));
        if (!rev.equals(commit)) {
            Path ref = repoDir.resolve("refs").resolve(rev);
            Files.createDirectories(ref.getParent());
            Path temp = Files.createTempFile(ref.getParent(), ".ref-", ".tmp");
            Files.writeString(temp, commit);
            Files.move(temp, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return snapshot;
    }

    private static List<String> filesToFetch(String repoId, Set<String> available) {
        List<String> files = new ArrayList<>();
        if (!available.contains(CheckpointDir.WEIGHTS) && available.contains(ADAPTER_CONFIG)
                && available.contains(ADAPTER_WEIGHTS)) { // a PEFT adapter: its base is resolved when it is imported
            files.add(ADAPTER_CONFIG);
            files.add(ADAPTER_WEIGHTS);
            List.of(CheckpointDir.CONFIG, CheckpointDir.TOKENIZER).stream().filter(available::contains).forEach(files::add);
            OPTIONAL_FILES.stream().filter(available::contains).forEach(files::add);
            return files;
        }
        files.add(CheckpointDir.CONFIG);
        if (available.contains(CheckpointDir.WEIGHTS)) {
            files.add(CheckpointDir.WEIGHTS);
        } else if (available.contains(CheckpointDir.WEIGHTS_INDEX)) {
            files.add(CheckpointDir.WEIGHTS_INDEX);
        } else if (available.contains("pytorch_model.bin")) {
            throw new HubException(422, repoId + " has only pytorch_model.bin weights (a pickle, never loaded by "
                    + "attune); pick a revision with model.safetensors or convert it");
        } else {
            throw new HubException(422, repoId + " has no model.safetensors");
        }
        if (!available.contains(CheckpointDir.TOKENIZER)) {
            throw new HubException(422, repoId + " has no tokenizer.json (a fast tokenizer is needed)");
        }
        files.add(CheckpointDir.TOKENIZER);
        OPTIONAL_FILES.stream().filter(available::contains).forEach(files::add);
        return files;
    }

    /** Streams one file to blobs/<name>.incomplete, then renames it and links it into the snapshot. */
    private void fetchFile(String repoId, String commit, String file, Path repoDir, Path snapshot)
            throws IOException, InterruptedException {
        Path target = snapshot.resolve(file).normalize();
        if (!target.startsWith(snapshot)) {
            throw new HubException(502, "The Hub listed a file outside the repository: " + file);
        }
        String url = settings.endpoint() + "/" + repoId + "/resolve/" + commit + "/" + file;
        Path incomplete = Files.createTempFile(repoDir.resolve("blobs"), "download-", ".incomplete");
        try {
            HttpResponse<Path> response = http.send(request(url), HttpResponse.BodyHandlers.ofFile(incomplete));
            checkStatus(response.statusCode(), repoId, commit + " file " + file);
            String blobName = response.headers().firstValue("x-linked-etag")
                    .or(() -> response.headers().firstValue("etag"))
                    .map(tag -> tag.replace("W/", "").replace("\"", ""))
                    .filter(tag -> tag.matches("[A-Za-z0-9]+"))
                    .orElse(sha256(incomplete));
            Path blob = repoDir.resolve("blobs").resolve(blobName);
            Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.createDirectories(target.getParent());
            try {
                Files.createSymbolicLink(target, target.getParent().relativize(blob));
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(incomplete);
        }
    }

    private JsonNode getJson(String url, String repoId, String rev) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(url), HttpResponse.BodyHandlers.ofString());
        checkStatus(response.statusCode(), repoId, rev);
        try {
            return JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new HubException(502, "The Hub's answer for " + repoId + " is not JSON");
        }
    }

    private static void checkStatus(int status, String repoId, String what) {
        if (status == 401 || status == 403) {
            throw new HubException(403, "The Hub refused access to " + repoId + " (HTTP " + status + "): it is private "
                    + "or gated. Set HF_TOKEN to a token that may read it.");
        }
        if (status == 404) {
            throw new HubException(404, "The Hub has no " + repoId + " at " + what + ". Check the id and revision.");
        }
        if (status / 100 != 2) {
            throw new HubException(502, "The Hub answered HTTP " + status + " for " + repoId + " at " + what);
        }
    }

    private HttpRequest request(String url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30))
                .header("User-Agent", "attune");
        if (settings.token() != null) {
            builder.header("Authorization", "Bearer " + settings.token());
        }
        return builder.GET().build();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String sha256(Path file) throws IOException {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buffer = new byte[65536];
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
