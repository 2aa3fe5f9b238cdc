package dev.attune.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Recognises a full disk behind any failure (Java's I/O, H2's, Tomcat's multipart spooling) and measures free space. */
public final class DiskFull {

    private DiskFull() {
    }

    /** Whether {@code failure} or one of its causes says the device has no space left. */
    public static boolean causedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("no space left on device")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** Bytes usable on the disk holding {@code dir}; -1 when it cannot be read. */
    public static long usableBytes(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
