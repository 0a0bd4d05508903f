package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second {@code streamavg local} started by mistake on the same {@code --data-dir} (other ports):
 * it stops at once naming the folder and the running process, and leaves that one untouched.
 */
@Timeout(180)
class SecondLocalIT {

    @TempDir
    Path work;

    @Test
    void shouldStopASecondLocalOnTheSameDataDirAtOnceAndLeaveTheFirstRunning() throws Exception {
        try (LocalProcess first = LocalProcess.local(work, work.resolve("first.log"))) {
            first.awaitReady(Duration.ofSeconds(90));
            final long firstPid = first.process().pid();

            // Same working folder: the same default --data-dir and --db; free ports of its own.
            try (LocalProcess second = LocalProcess.local(work, work.resolve("second.log"))) {
                assertThat(second.process().waitFor(30, TimeUnit.SECONDS))
                        .as("second exited within 30 s; its log: %s", second.log()).isTrue();
                assertThat(second.process().exitValue()).as("second's exit code; its log: %s", second.log()).isEqualTo(1);
                assertThat(second.log())
                        .contains("--data-dir " + work.resolve("streamavg-data").toRealPath(), "in use",
                                "(pid " + firstPid + ")")
                        .doesNotContain("\tat ");
            }

            assertThat(first.health().statusCode()).as("first still ready").isEqualTo(200);
            final int exitCode = first.terminate();
            assertThat(exitCode).as("first's exit code after SIGTERM").isZero();
            assertThat(first.log()).contains("streamavg local stopped").doesNotContain("ERROR");
        }
    }
}
