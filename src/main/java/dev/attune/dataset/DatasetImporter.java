package dev.attune.dataset;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import dev.attune.files.DiskFull;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import dev.attune.system.AttuneProperties;

import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads an upload once, streaming: detects gzip and format, checks every row, counts labels and
 * writes the rows as normalised JSONL ({@link StoredRow}) to a temporary file. Any problem deletes
 * the temporary file and throws, so a bad upload leaves nothing behind.
 */
@Component
class DatasetImporter {

    private static final int SNIFF_BYTES = 64 * 1024;
    private static final int MAX_LABEL_LENGTH = 256;
    /** Longest line accepted (IMDB's longest review is about 14,000 characters). */
    static final int MAX_LINE_CHARS = 1 << 20;

    private final ObjectMapper mapper;
    private final int maxLabels;
    private final long maxBytes;

    DatasetImporter(ObjectMapper mapper, AttuneProperties properties) {
        this.mapper = mapper;
        this.maxLabels = properties.datasets().maxLabels();
        this.maxBytes = properties.datasets().maxUploadSize().toBytes();
    }

    ImportedRows importRows(InputStream upload, String fileName, UploadOptions options, Path tempFile) throws IOException {
        return importRows(upload, fileName, options, tempFile, false);
    }

    /**
     * @param addition rows to add to a parent data set (a version): a single label among them is no fault, the
     *     version as a whole is checked ({@link DatasetService#createFrom})
     */
    ImportedRows importRows(InputStream upload, String fileName, UploadOptions options, Path tempFile,
            boolean addition) throws IOException {
        try {
            return read(upload, fileName, options, tempFile, addition);
        } catch (RuntimeException | IOException | Error e) {
            Files.deleteIfExists(tempFile);
            throw e;
        }
    }

    private ImportedRows read(InputStream upload, String fileName, UploadOptions options, Path tempFile,
            boolean addition) throws IOException {
        BufferedInputStream raw = new BufferedInputStream(upload, SNIFF_BYTES);
        InputStream content = isGzip(raw)
                ? new BufferedInputStream(BoundedInput.size(new GZIPInputStream(raw, 65536), maxBytes), SNIFF_BYTES) : raw;
        skipUtf8Bom(content);
        DatasetFormat format = options.format() != null ? options.format()
                : DatasetFormat.fromFileName(fileName).orElseGet(() -> DatasetFormat.sniff(peekText(content)));

        LabelStatistics labels = new LabelStatistics(maxLabels, options.labelColumn());
        int rows = 0;
        int skipped = 0;
        // the file's own stream is a resource of its own: closed even when flushing the writer fails (a full disk)
        try (RowSource source = open(format, content, options);
                OutputStream file = Files.newOutputStream(tempFile);
                BufferedWriter out = new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8), 65536)) {
            for (LabelledRow row = source.next(); row != null; row = source.next()) {
                if (row.text() == null || row.text().isBlank()) {
                    skipped++;
                    continue;
                }
                if (options.textPairColumn() != null && (row.textPair() == null || row.textPair().isBlank())) {
                    throw DatasetProblems.emptyTextPair(row.line(), options.textPairColumn());
                }
                List<String> rowLabels = options.unlabelled() ? List.of() : labelsOf(row, options);
                if (!options.unlabelled()) {
                    labels.add(rowLabels);
                }
                out.write(mapper.writeValueAsString(StoredRow.of(row.text(), row.textPair(), rowLabels)));
                out.write('\n');
                rows++;
            }
        } catch (UncheckedIOException e) {
            if (DiskFull.causedBy(e)) {
                throw e; // not the file's fault: answered as a full disk (507)
            }
            throw DatasetProblems.readFailure(e, rows + skipped + 1, e.getMessage());
        } catch (IOException e) {
            if (DiskFull.causedBy(e)) {
                throw new UncheckedIOException(e);
            }
            throw DatasetProblems.readFailure(new UncheckedIOException(e), rows + skipped + 1, e.getMessage());
        }
        if (rows == 0) {
            throw DatasetProblems.noRows(skipped);
        }
        if (!options.unlabelled() && !addition && labels.distinctLabels() == 1) {
            throw DatasetProblems.singleLabel(labels.counts().firstKey());
        }
        return new ImportedRows(tempFile, format, rows, skipped, labels.counts(), labels.multiLabelRows(),
                labels.numeric(), Files.size(tempFile));
    }

    /**
     * A row's labels: the cell split on the label delimiter (a JSON array is already split), each part
     * trimmed, empty parts dropped, duplicates removed, in the order given.
     */
    private static List<String> labelsOf(LabelledRow row, UploadOptions options) {
        Set<String> labels = new LinkedHashSet<>();
        for (String cell : row.labels()) {
            String value = cell == null ? "" : cell;
            List<String> parts = options.labelDelimiter().isEmpty() || row.listed() ? List.of(value)
                    : List.of(value.split(Pattern.quote(options.labelDelimiter()), -1));
            for (String part : parts) {
                String label = part.trim();
                if (label.length() > MAX_LABEL_LENGTH) {
                    throw DatasetProblems.labelTooLong(row.line(), options.labelColumn(), MAX_LABEL_LENGTH);
                }
                if (!label.isEmpty()) {
                    labels.add(label);
                }
            }
        }
        if (labels.isEmpty()) {
            throw DatasetProblems.emptyLabel(row.line(), options.labelColumn());
        }
        return List.copyOf(labels);
    }

    private RowSource open(DatasetFormat format, InputStream content, UploadOptions options) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(
                BoundedInput.lineLength(new InputStreamReader(new Utf8Check(content), decoder), MAX_LINE_CHARS), 65536);
        return switch (format) {
            case CSV -> new DelimitedRowSource(reader, ',', options.columns());
            case TSV -> new DelimitedRowSource(reader, '\t', options.columns());
            case JSONL -> new JsonLinesRowSource(reader, mapper, options.columns());
        };
    }

    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == -1) {
            throw DatasetProblems.emptyFile();
        }
        return b1 == 0x1f && b2 == 0x8b;
    }

    private static void skipUtf8Bom(InputStream in) throws IOException {
        in.mark(3);
        if (!(in.read() == 0xEF && in.read() == 0xBB && in.read() == 0xBF)) {
            in.reset();
        }
    }

    /** The first bytes as text, for format sniffing; the stream is reset to where it was. */
    private static String peekText(InputStream in) {
        try {
            in.mark(SNIFF_BYTES);
            byte[] head = in.readNBytes(4096);
            in.reset();
            if (head.length == 0) {
                throw DatasetProblems.emptyFile();
            }
            return new String(head, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw DatasetProblems.readFailure(new UncheckedIOException(e), 1, e.getMessage());
        }
    }
}
