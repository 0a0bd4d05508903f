package io.streamavg.local;

import io.streamavg.runtime.StartupException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code streamavg local} per {@code --data-dir}. A second broker on the same folder does not
 * fail cleanly: it writes into the running broker's metadata log before Kafka's own lock stops it,
 * and the running broker then never recovers. So the stack takes this lock before anything touches
 * the folder, and a second stack stops at once, naming the folder and the process that holds it.
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock()}), not the file's existence:
 * it goes away with the process however it ends, kill -9 included, so a crash never leaves a stale
 * lock for the user to delete by hand.
 */
final class DataDirLock implements AutoCloseable {

    static final String FILE_NAME = "streamavg.lock";

    private static final Logger LOG = LoggerFactory.getLogger(DataDirLock.class);
    private static final String OPTION = "--" + LocalConfig.DATA_DIR;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final Path file, final FileChannel channel, final FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dataDir} if missing and locks it for this process.
     *
     * @throws StartupException when another process (or another stack in this one) holds it, or the
     *         folder cannot be created or locked; the message names {@code --data-dir}
     */
    static DataDirLock acquire(final Path dataDir) {
        final Path dir = dataDir.toAbsolutePath().normalize();
        final Path file = dir.resolve(FILE_NAME);
        final FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StartupException(OPTION + " " + dir + " cannot be used: " + reason(e), e);
        }
        try {
            final FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // The JVM keeps its own locks apart from the OS's: another stack in this process.
                throw inUse(dir, file);
            }
            if (lock == null) {
                throw inUse(dir, file);
            }
            // Only for the message of the next one that finds the folder taken: the lock decides.
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirLock(file, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException(OPTION + " " + dir + " cannot be locked: " + reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static StartupException inUse(final Path dir, final Path file) {
        return new StartupException(OPTION + " " + dir + " is in use by another streamavg local (" + holder(file)
                + "): stop it, or give this one another " + OPTION);
    }

    /** The pid the holder wrote; "pid unknown" when it could not be read (not yet written, or a mandatory lock). */
    private static String holder(final Path file) {
        try {
            return "pid " + Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return "pid unknown";
        }
    }

    /** Java's messages for these name only the path; say what is wrong with it. */
    private static String reason(final IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return exists.getFile() + " is a file, not a folder";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getFile() + ": " + fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static void closeQuietly(final FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing {} failed", channel, e);
        }
    }

    /**
     * Releases the lock. The file stays: deleted, a process that had just opened it would lock a
     * file no longer in the folder while a third one created and locked a new one.
     */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it too; failing that, the process's end does.
            LOG.warn("Releasing the lock on {} failed: {}", file, e.toString());
        }
        closeQuietly(channel);
    }
}
