package io.streamavg.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.StartupException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A --db that cannot be used stops the sink before it reads anything, naming the option, the path and the problem. */
class DatabaseFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldNameTheOptionAndPathWhenTheFolderCannotHoldFiles() {
        assertRefused(Path.of("/proc/x.db"), "cannot use --db /proc/x.db: SQLite cannot open or create it there");
    }

    @Test
    void shouldNameTheOptionAndPathWhenItIsADirectory() {
        assertRefused(dir, "cannot use --db " + dir + ": it is a directory; give the path of a file in it");
    }

    @Test
    void shouldNameTheOptionAndPathWhenItIsATextFile() throws Exception {
        final Path text = dir.resolve("notes.txt");
        Files.writeString(text, "0,1.5\n1,2.5\nthese are not the statistics you are looking for\n", StandardCharsets.UTF_8);

        assertRefused(text, "cannot use --db " + text + ": it is not a SQLite database (a file of another kind, or encrypted)");
        assertThat(Files.readString(text, StandardCharsets.UTF_8)).endsWith("looking for\n");
    }

    @Test
    void shouldNameTheOptionPathAndFolderWhenTheFolderIsMissing() {
        final Path missing = dir.resolve("no-such-folder").resolve("processed_data.db");

        assertRefused(missing, "cannot use --db " + missing + ": its folder " + missing.getParent() + " does not exist; create it first");
        assertThat(missing.getParent()).doesNotExist();
    }

    @Test
    void shouldOpenAndCreateTheFileWhenThePathIsRelative() {
        final Path relative = Path.of("target", "database-file-test-" + ProcessHandle.current().pid() + ".db");
        final SqliteSink sink = sink(relative);
        try {
            sink.openDatabase();
            assertThat(relative).isRegularFile();
        } finally {
            sink.close();
        }
    }

    private void assertRefused(final Path db, final String message) {
        final SqliteSink sink = sink(db);
        try {
            assertThatThrownBy(sink::openDatabase).isInstanceOf(StartupException.class).hasMessage(message);
        } finally {
            sink.close();
        }
    }

    private static SqliteSink sink(final Path db) {
        return new SqliteSink(new SinkConfig(Map.of("bootstrap-servers", "127.0.0.1:9", "db", db.toString())),
                new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()));
    }
}
