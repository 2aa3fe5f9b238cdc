package dev.attune.system;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.attune.files.DiskFull;

/**
 * Tells the connection pool to drop a connection to an H2 database that closed itself: H2 closes a database
 * whose file write failed (a full disk) and every pooled connection then fails forever ("database is closed"),
 * while a new connection opens the file again. Dropping them lets the service recover on its own once space
 * is freed, without a restart.
 */
public final class H2ConnectionEviction implements SQLExceptionOverride {

    /** H2's error codes for a database that is closed, closing, or failed to write its file. */
    private static final int DATABASE_IS_CLOSED = 90098;
    private static final int DATABASE_CALLED_AT_SHUTDOWN = 90121;
    private static final int IO_EXCEPTION_1 = 90028;
    private static final int IO_EXCEPTION_2 = 90031;
    private static final int FILE_CORRUPTED = 90030;

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        int code = e.getErrorCode();
        if (code == DATABASE_IS_CLOSED || code == DATABASE_CALLED_AT_SHUTDOWN || code == IO_EXCEPTION_1
                || code == IO_EXCEPTION_2 || code == FILE_CORRUPTED || DiskFull.causedBy(e)) {
            return SQLExceptionOverride.Override.MUST_EVICT;
        }
        return SQLExceptionOverride.Override.CONTINUE_EVICT;
    }
}
