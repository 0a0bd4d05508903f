package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A --db that cannot be used, as users meet it: the runnable jar exits with code 1 and one line
 * naming the option and the path, without a stack trace, and `local` starts no broker first.
 */
@Timeout(180)
class UnusableDbIT {

    private static final Path JAR = Path.of("target", "streamavg.jar");

    @TempDir
    Path dir;

    @Test
    void shouldExitWithCode1AndOneLineNamingDbWhenTheSinkIsGivenAPathUnderProc() throws Exception {
        final Result result = run("sink", "--bootstrap-servers", "127.0.0.1:9", "--http-port", "0", "--db", "/proc/x.db");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).isEqualTo("streamavg sink: cannot use --db /proc/x.db: SQLite cannot open or create it there\n");
        assertThat(result.stdout()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void shouldExitWithCode1BeforeStartingTheBrokerWhenLocalIsGivenAMissingFolder() throws Exception {
        final Path db = dir.resolve("no-such-folder").resolve("processed_data.db");
        final Path dataDir = dir.resolve("data");

        final Result result = run("local", "--port", "0", "--kafka-port", "0", "--http-port", "0",
                "--data-dir", dataDir.toString(), "--db", db.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).isEqualTo("streamavg local: cannot use --db " + db + ": its folder " + db.getParent()
                + " does not exist; create it first\n");
        assertThat(result.stdout()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(dataDir.resolve("kafka")).doesNotExist();
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private Result run(final String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        final File out = dir.resolve("stdout.txt").toFile();
        final File err = dir.resolve("stderr.txt").toFile();
        final ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out).redirectError(err);
        builder.environment().keySet().removeIf(name -> name.startsWith("STREAMAVG_"));
        final Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 120 s: " + Files.readString(out.toPath(), StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
