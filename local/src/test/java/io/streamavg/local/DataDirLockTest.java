package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamavg.runtime.StartupException;
import io.streamavg.testkit.Eventually;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One stack per --data-dir: in this JVM, across processes, and released however the holder ends. */
@Timeout(120)
class DataDirLockTest {

    @TempDir
    Path work;

    @Test
    void shouldRefuseASecondLockInThisJvmNamingTheFolderAndPidUntilTheFirstIsClosed() {
        final Path dataDir = work.resolve("streamavg-data");
        final String ownPid = String.valueOf(ProcessHandle.current().pid());

        try (DataDirLock first = DataDirLock.acquire(dataDir)) {
            assertThat(dataDir.resolve(DataDirLock.FILE_NAME)).content().isEqualToIgnoringNewLines(ownPid);

            assertThatThrownBy(() -> DataDirLock.acquire(dataDir))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("--data-dir " + dataDir.toAbsolutePath() + " is in use by another streamavg local (pid "
                            + ownPid + "): stop it, or give this one another --data-dir");
        }
        try (DataDirLock again = DataDirLock.acquire(dataDir)) {
            assertThat(dataDir.resolve(DataDirLock.FILE_NAME)).content().isEqualToIgnoringNewLines(ownPid);
        }
    }

    @Test
    void shouldCreateTheFolderAndItsParents() {
        final Path dataDir = work.resolve("a").resolve("b").resolve("data");

        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            assertThat(dataDir).isDirectory();
        }
    }

    @Test
    void shouldNameTheFolderWhenItIsAFile() throws IOException {
        final Path notAFolder = Files.writeString(work.resolve("data"), "x");

        assertThatThrownBy(() -> DataDirLock.acquire(notAFolder))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("--data-dir " + notAFolder.toAbsolutePath() + " cannot be used: ")
                .hasMessageContaining("not a folder");
    }

    @Test
    void shouldSayPidUnknownWhenTheFileDoesNotHoldOne() throws IOException {
        final Path dataDir = work.resolve("data");
        try (DataDirLock first = DataDirLock.acquire(dataDir)) {
            Files.writeString(dataDir.resolve(DataDirLock.FILE_NAME), "garbage");

            assertThatThrownBy(() -> DataDirLock.acquire(dataDir))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("(pid unknown)");
        }
    }

    @Test
    void shouldRefuseALockHeldByAnotherProcessAndTakeItOnceThatProcessIsKilled() throws Exception {
        final Path dataDir = work.resolve("data");
        final Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), dataDir.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("holder.log").toFile()).start();
        try {
            final String holderPid = String.valueOf(holder.pid());
            // The holder writes its pid only once it holds the lock.
            Eventually.assertWithin(Duration.ofSeconds(60), () -> {
                assertThat(holder.isAlive()).as("holder alive; its log: %s", holderLog()).isTrue();
                assertThat(pidInFile(dataDir)).isEqualTo(holderPid);
            });

            assertThatThrownBy(() -> DataDirLock.acquire(dataDir))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("--data-dir " + dataDir.toAbsolutePath())
                    .hasMessageContaining("in use")
                    .hasMessageContaining("(pid " + holderPid + ")");

            // SIGKILL: no shutdown hook, no close(); the operating system releases the lock.
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).as("holder killed").isTrue();
            try (DataDirLock mine = DataDirLock.acquire(dataDir)) {
                assertThat(pidInFile(dataDir)).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    private String holderLog() {
        try {
            return Files.readString(work.resolve("holder.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String pidInFile(final Path dataDir) {
        try {
            return Files.readString(dataDir.resolve(DataDirLock.FILE_NAME), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Another process: takes the lock on args[0] and holds it until its standard input ends (or it is killed). */
    static final class Holder {

        public static void main(final String[] args) throws IOException {
            try (DataDirLock lock = DataDirLock.acquire(Path.of(args[0]))) {
                // Ends when the test closes the pipe or dies, so no holder outlives it.
                while (System.in.read() != -1) {
                    continue;
                }
            }
        }
    }
}
