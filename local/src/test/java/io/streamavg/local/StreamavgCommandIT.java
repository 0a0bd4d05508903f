package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.testkit.AveragesDatabase;
import io.streamavg.testkit.Eventually;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as users run it: a child JVM, its exit codes, its log, its HTTP and TCP ports, SIGTERM. */
@Timeout(180)
class StreamavgCommandIT {

    @TempDir
    Path work;

    @Test
    void shouldPrintEveryOptionOnHelpAndExitZero() throws Exception {
        final LocalProcess help = LocalProcess.start(work, work.resolve("help.log"), "local", "--help");

        assertThat(help.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.process().exitValue()).isZero();
        assertThat(help.log()).contains("--port", "STREAMAVG_PORT", "--db", "--data-dir", "--kafka-port",
                "--http-port", "--delimiter", "--processing-guarantee", "--max-line-bytes", "--synchronous");
    }

    @Test
    void shouldStopAtStartNamingAnUnknownOptionOrABadValue() throws Exception {
        final LocalProcess unknown = LocalProcess.start(work, work.resolve("unknown.log"), "local", "--prot", "9999");
        final LocalProcess bad = LocalProcess.start(work, work.resolve("bad.log"),
                "bridge", "--bootstrap-servers", "127.0.0.1:1", "--port", "99999");

        assertThat(unknown.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(unknown.process().exitValue()).isEqualTo(2);
        assertThat(unknown.log()).contains("Unknown option --prot");
        assertThat(bad.process().exitValue()).isEqualTo(2);
        assertThat(bad.log()).contains("port").contains("99999");
    }

    @Test
    void shouldServeHealthCountTheOriginalExampleAndStopCleanlyOnSigterm() throws Exception {
        final int exitCode;
        try (LocalProcess local = LocalProcess.local(work, work.resolve("local.log"))) {
            final List<Integer> statuses = new ArrayList<>();
            Eventually.assertWithin(Duration.ofSeconds(90), () -> {
                final HttpResponse<String> health = local.health();
                statuses.add(health.statusCode());
                if (health.statusCode() == 503) {
                    assertThat(health.body()).contains("\"status\":\"DOWN\"", "\"reason\"");
                }
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"status\":\"UP\"");
            });
            assertThat(statuses).as("health while starting, then ready").contains(503).endsWith(200);

            try (Socket socket = new Socket("127.0.0.1", local.ingestPort()); OutputStream out = socket.getOutputStream()) {
                out.write("1,2,3\n4,5,6\n7,8,9\n".getBytes(StandardCharsets.UTF_8));
            }
            final Path db = work.resolve("processed_data.db");
            Eventually.assertWithin(Duration.ofSeconds(60), () -> assertThat(AveragesDatabase.rows(db)).hasSize(3)
                    .allSatisfy((column, row) -> assertThat(row.count()).isEqualTo(3)));
            assertThat(AveragesDatabase.readmeQuery(db)).containsExactly("0|4.0", "1|5.0", "2|6.0");

            exitCode = local.terminate();
            assertThat(local.log()).contains("streamavg local stopped");
            // The in-process broker's controller logs its own overload at ERROR when the machine is
            // crowded ("controller event queue overloaded", "Exceptionally slow controller event"):
            // about the machine, not streamavg, whose counts were checked above.
            assertThat(local.log().lines().filter(line -> line.contains("ERROR"))
                    .filter(line -> !line.contains("QuorumController - ") && !line.contains("ReplicationControlManager - ")))
                    .as("ERROR lines of local's log, the broker controller's overload reports aside").isEmpty();
        }
        assertThat(exitCode).as("exit code after SIGTERM").isZero();
        assertThat(Files.isDirectory(work.resolve("streamavg-data"))).isTrue();
    }
}
