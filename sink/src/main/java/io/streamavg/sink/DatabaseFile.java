package io.streamavg.sink;

import io.streamavg.runtime.StartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteConfig.SynchronousMode;

/**
 * What the sink makes of the file {@code --db} names: opened at start with every problem a user can
 * fix said in words that name the path and the option, and, while running, which failures mean
 * "not writable now" (wait) rather than "broken" (stop).
 */
final class DatabaseFile {

    private static final String LOCKED_BY_ANOTHER = "another program holds the write lock (SQLITE_BUSY)";

    private DatabaseFile() {
    }

    /**
     * Opens and migrates {@code file}.
     *
     * @throws StartupException naming {@code --db}, the absolute path and the problem
     */
    static SinkDatabase open(final Path file, final SynchronousMode synchronous) {
        final Path absolute = file.toAbsolutePath();
        final String notUsable = checkPath(absolute);
        if (notUsable != null) {
            throw new StartupException(usage(absolute, notUsable));
        }
        try {
            return SinkDatabase.open(file, synchronous);
        } catch (SQLException e) {
            throw new StartupException(problem(file, e), e);
        }
    }

    /** The sentence for a database failure at start: the option, the path, what SQLite said in words. */
    static String problem(final Path file, final SQLException e) {
        final Path absolute = file.toAbsolutePath();
        final SQLiteException sqlite = sqliteCause(e);
        if (sqlite == null) {
            // Our own checks (a newer schema, a foreign averages table) already say it all.
            return usage(absolute, e.getMessage());
        }
        final String detail = switch (primary(sqlite)) {
            case NOTADB -> "it is not a SQLite database (a file of another kind, or encrypted)";
            case CANTOPEN -> "SQLite cannot open or create it there";
            case READONLY, PERM, AUTH -> "it cannot be written (read-only file, folder or file system)";
            case BUSY, LOCKED -> "another program holds a lock on it; stop that program or give another file";
            case CORRUPT -> "the file is corrupt";
            case FULL -> "the disk is full";
            default -> sqlite.getMessage();
        };
        return usage(absolute, detail);
    }

    /**
     * Why {@code e} says the database cannot be written right now, for the health report; null when
     * it is another kind of failure. These end by themselves, or by a user's action, without the sink.
     */
    static String whyUnwritable(final SQLException e) {
        final SQLiteException sqlite = sqliteCause(e);
        if (sqlite == null) {
            return null;
        }
        return switch (primary(sqlite)) {
            case BUSY, LOCKED -> LOCKED_BY_ANOTHER;
            case READONLY -> "the file is read-only (SQLITE_READONLY)";
            case FULL -> "the disk is full (SQLITE_FULL)";
            case IOERR -> "the file system refused a read or write (" + sqlite.getResultCode().name()
                    + "): a full disk, a file size limit, a failing disk";
            case CANTOPEN -> "its journal cannot be opened (SQLITE_CANTOPEN)";
            default -> null;
        };
    }

    /**
     * Why {@code e}, a failure to open {@code --db} at start, is only another program's lock, which
     * ends without the user changing anything: the sink waits for it. Null for any other failure.
     */
    static String whyLocked(final Throwable e) {
        return e instanceof SQLException sql && sqliteCause(sql) != null
                && List.of(Primary.BUSY, Primary.LOCKED).contains(primary(sqliteCause(sql))) ? LOCKED_BY_ANOTHER : null;
    }

    /** SQLite's own exception in {@code e}: a failed batch reports it as its cause or next exception. */
    private static SQLiteException sqliteCause(final SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite) {
                return sqlite;
            }
            if (cause instanceof SQLException sql && sql.getNextException() instanceof SQLiteException next) {
                return next;
            }
        }
        return null;
    }

    private static String checkPath(final Path absolute) {
        if (Files.isDirectory(absolute)) {
            return "it is a directory; give the path of a file in it";
        }
        final Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            return "its folder " + folder + " does not exist; create it first";
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            return "it is not a regular file";
        }
        return null;
    }

    private static String usage(final Path absolute, final String problem) {
        return "cannot use --" + SinkConfig.DB + " " + absolute + ": " + problem;
    }

    /** The primary result code: the extended ones (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE, …) mean the same here. */
    private static Primary primary(final SQLiteException e) {
        final int code = e.getResultCode().code & 0xff;
        for (final Primary primary : Primary.values()) {
            if (primary.code.code == code) {
                return primary;
            }
        }
        return Primary.OTHER;
    }

    private enum Primary {
        BUSY(SQLiteErrorCode.SQLITE_BUSY), LOCKED(SQLiteErrorCode.SQLITE_LOCKED), READONLY(SQLiteErrorCode.SQLITE_READONLY),
        PERM(SQLiteErrorCode.SQLITE_PERM), AUTH(SQLiteErrorCode.SQLITE_AUTH), FULL(SQLiteErrorCode.SQLITE_FULL),
        IOERR(SQLiteErrorCode.SQLITE_IOERR), CANTOPEN(SQLiteErrorCode.SQLITE_CANTOPEN), NOTADB(SQLiteErrorCode.SQLITE_NOTADB),
        CORRUPT(SQLiteErrorCode.SQLITE_CORRUPT), OTHER(SQLiteErrorCode.UNKNOWN_ERROR);

        private final SQLiteErrorCode code;

        Primary(final SQLiteErrorCode code) {
            this.code = code;
        }
    }
}
