package dev.attune.scoring;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A batch prediction's results on disk: one JSON line per data-set row, starting with the row's index. Each run
 * (each claim of the job) appends to a part file of its own under {@code results/}, forces each chunk to the disk,
 * and then commits through the job's lease how many of its lines are the job's ({@link ResultsPart}). Readers read
 * the committed lines of the committed parts only, merged by row index: each row once, in index order, whichever
 * run scored it; lines of a run that crashed or lost the job are never read.
 */
public final class ResultsFile {

    /** The one file a batch prediction wrote before results had parts; still read. */
    public static final String LEGACY = "results.jsonl";
    private static final String PARTS = "results";
    private static final String INDEX_FIELD = "{\"index\":";

    private ResultsFile() {
    }

    /** The committed rows of {@code parts} under {@code dir}, in row-index order, each index once. */
    public static Rows read(Path dir, List<ResultsPart> parts) throws IOException {
        return new Rows(dir, parts);
    }

    /** The legacy single file as a part of its complete lines (a line cut short by a crash is cut off); empty without one. */
    public static Optional<ResultsPart> legacy(Path dir) throws IOException {
        Path file = dir.resolve(LEGACY);
        return Files.exists(file) ? Optional.of(new ResultsPart(LEGACY, completeLines(file))) : Optional.empty();
    }

    /** A new part for one run's rows (the file is created on the first append). */
    static Appender newPart(Path dir) {
        return new Appender(dir, PARTS + "/part-" + UUID.randomUUID().toString().substring(0, 13) + ".jsonl");
    }

    /** Deletes the part files that none of {@code parts} names: left by runs that crashed or lost the job. */
    static void removeUncommitted(Path dir, List<ResultsPart> parts) throws IOException {
        Path partsDir = dir.resolve(PARTS);
        if (!Files.isDirectory(partsDir)) {
            return;
        }
        Set<Path> kept = parts.stream().map(part -> dir.resolve(part.file()).normalize()).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(partsDir)) {
            for (Path file : files.toList()) {
                if (!kept.contains(file.normalize())) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The complete lines the file holds, after cutting off a partial last line; 0 when there is no file. */
    static int completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long end = raf.length();
            long keep = end;
            while (keep > 0) {
                raf.seek(keep - 1);
                if (raf.read() == '\n') {
                    break;
                }
                keep--;
            }
            raf.setLength(keep);
        }
        try (var lines = Files.lines(file)) {
            return (int) lines.count();
        }
    }

    /** The row index a results line starts with. */
    public static long index(String line) {
        if (!line.startsWith(INDEX_FIELD)) {
            throw new IllegalStateException("A results line does not start with its row index: "
                    + line.substring(0, Math.min(line.length(), 40)));
        }
        int end = INDEX_FIELD.length();
        while (end < line.length() && Character.isDigit(line.charAt(end))) {
            end++;
        }
        return Long.parseLong(line, INDEX_FIELD.length(), end, 10);
    }

    /** One run's part: lines appended and forced to the disk before the run commits them. */
    static final class Appender implements Closeable {

        private final Path file;
        private final String name;
        private FileChannel channel;
        private long lines;

        private Appender(Path dir, String name) {
            this.name = name;
            this.file = dir.resolve(name);
        }

        /** Appends these lines; once it returns they are on the disk, and a commit may name them. */
        void append(List<String> rows) throws IOException {
            if (channel == null) {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            StringBuilder text = new StringBuilder();
            rows.forEach(row -> text.append(row).append('\n'));
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
            lines += rows.size();
        }

        /** The part as it stands: every line appended so far. */
        ResultsPart part() {
            return new ResultsPart(name, lines);
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /**
     * The committed lines of several parts merged by row index (each part is in index order: a run scores the
     * rows it lacks from the first), a row already read skipped.
     */
    public static final class Rows implements Iterator<String>, Closeable {

        private final List<BufferedReader> readers = new ArrayList<>();
        private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparingLong(Head::index));
        private long last = Long.MIN_VALUE;
        private String next;

        private record Head(long index, String line, Source source) {
        }

        /** A part's reader, limited to its committed lines. */
        private static final class Source {
            private final BufferedReader reader;
            private final String file;
            private long left;

            Source(BufferedReader reader, String file, long left) {
                this.reader = reader;
                this.file = file;
                this.left = left;
            }

            String nextLine() throws IOException {
                if (left == 0) {
                    return null;
                }
                String line = reader.readLine();
                if (line == null) {
                    throw new IOException("Results part " + file + " ends before its committed lines");
                }
                left--;
                return line;
            }
        }

        private Rows(Path dir, List<ResultsPart> parts) throws IOException {
            try {
                for (ResultsPart part : parts) {
                    Path file = dir.resolve(part.file()).normalize();
                    if (!file.startsWith(dir.normalize())) {
                        throw new IOException("Results part " + part.file() + " is outside the job's directory");
                    }
                    BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                    readers.add(reader);
                    push(new Source(reader, part.file(), part.lines()));
                }
                advance();
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private void push(Source source) throws IOException {
            String line = source.nextLine();
            if (line != null) {
                heads.add(new Head(index(line), line, source));
            }
        }

        private void advance() throws IOException {
            next = null;
            while (next == null && !heads.isEmpty()) {
                Head head = heads.poll();
                push(head.source());
                if (head.index() > last) { // a row another part (or this one) gave already is skipped
                    last = head.index();
                    next = head.line();
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public String next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            String line = next;
            try {
                advance();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return line;
        }

        @Override
        public void close() throws IOException {
            IOException failure = null;
            for (BufferedReader reader : readers) {
                try {
                    reader.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
