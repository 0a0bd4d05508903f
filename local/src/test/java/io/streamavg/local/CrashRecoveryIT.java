package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.testkit.DataSet;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.LineClients;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once through a crash: {@code streamavg local} is killed with SIGKILL (no shutdown hook,
 * no flush, no commit) while it counts, then started again on the same folder and database.
 */
@Timeout(240)
class CrashRecoveryIT {

    @TempDir
    Path work;

    @Test
    void shouldCountEveryAcknowledgedLineExactlyOnceAfterAKillDashNine() throws Exception {
        final DataSet iris = DataSet.iris();
        final List<String> first = iris.lines().subList(0, 100);
        final List<String> rest = iris.lines().subList(100, iris.lines().size());
        // In target/, kept after the run: what a failure needs.
        final Path log = Path.of("target", "CrashRecoveryIT-local.log").toAbsolutePath();
        final Path db = work.resolve("processed_data.db");

        try (LocalProcess local = LocalProcess.local(work, log)) {
            local.awaitReady(Duration.ofSeconds(90));
            LineClients.send(local.ingestPort(), first, PipelineScenarios.CLIENTS, 23);
            // Kill as soon as Kafka holds every line: the topology is then still folding them into
            // partials, in a transaction the kill leaves open.
            final String bootstrap = local.bootstrapServers();
            Eventually.assertWithin(Duration.ofSeconds(60), () ->
                    assertThat(TopicContents.read(bootstrap, Topics.RAW_LINES)).hasSize(first.size()));
            local.kill();
        }

        try (LocalProcess local = LocalProcess.local(work, log)) {
            // After a kill the broker's old registration must expire first (its session timeout).
            local.awaitReady(Duration.ofSeconds(120));
            LineClients.send(local.ingestPort(), rest, PipelineScenarios.CLIENTS, 29);

            Eventually.assertWithin(PipelineScenarios.DEADLINE, () -> PipelineScenarios.assertRowsMatch(db, iris));
            assertThat(TopicContents.read(local.bootstrapServers(), Topics.RAW_LINES)).hasSize(iris.lines().size());
            assertThat(TopicContents.read(local.bootstrapServers(), Topics.RAW_LINES_DLQ)).isEmpty();
        }
    }
}
