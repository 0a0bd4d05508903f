package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.runtime.ServiceRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness of bench resources: its options, what it reads of threads, its tables. */
class ResourcesBenchTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void shouldDefaultToTheIssuesWorkload() {
        final ResourcesConfig config = new ResourcesConfig(Map.of());
        assertThat(config.lines()).isEqualTo(2_000_000);
        assertThat(config.connections()).isEqualTo(16);
        assertThat(config.idle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.settle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.javaOpts()).isEmpty();
        assertThat(config.localOptions()).isEmpty();
    }

    @Test
    void shouldNameABadOptionThroughTheDispatcher() {
        final int code = Bench.run(List.of("resources", "--idle", "1"), Map.of(), new PrintStream(out), new PrintStream(err));
        assertThat(code).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("streamavg bench: invalid value '1' for --idle");
    }

    @Test
    void shouldListItsOptions() {
        assertThat(Bench.run(List.of("resources", "--help"), Map.of(), new PrintStream(out), new PrintStream(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: " + ResourcesBench.USAGE).contains("--java-opts", "--idle");
    }

    /** The local under test runs with the launcher's defaults unless asked: none of the caller's settings leak in. */
    @Test
    void shouldPassOnlyTheJavaOptsAskedFor() {
        final Map<String, String> callers = Map.of("PATH", "/usr/bin", "JAVA_OPTS", "-Xmx8g", "STREAMAVG_DB", "x.db",
                "STREAMAVG_KAFKA_LINGER_MS", "5");
        assertThat(ResourcesBench.environment(callers, "")).isEqualTo(Map.of("PATH", "/usr/bin"));
        assertThat(ResourcesBench.environment(callers, "-Xmx1g")).isEqualTo(Map.of("PATH", "/usr/bin", "JAVA_OPTS", "-Xmx1g"));
    }

    @Test
    void shouldSumEachNamesThreadsOverTheWindow() {
        final ThreadCpu before = new ThreadCpu(Map.of(1L, new ThreadCpu.Thread("data-plane-kafk", 100), 2L,
                new ThreadCpu.Thread("data-plane-kafk", 200), 3L, new ThreadCpu.Thread("GC Thread#0", 50)));
        // Thread 4 started during the window, thread 2 ended: only what was spent within it counts.
        final ThreadCpu after = new ThreadCpu(Map.of(1L, new ThreadCpu.Thread("data-plane-kafk", 400), 3L,
                new ThreadCpu.Thread("GC Thread#0", 50), 4L, new ThreadCpu.Thread("data-plane-kafk", 30)));
        assertThat(after.since(before)).containsExactly(new ThreadCpu.Group("data-plane-kafk", 2, 330),
                new ThreadCpu.Group("GC Thread#0", 1, 0));
    }

    /**
     * The real thing, on this JVM: its threads by the names Linux keeps (the JDK's Common-Cleaner
     * among them; the primordial thread is the launcher's, "java"), which have run.
     */
    @Test
    void shouldReadThisProcessesThreads() throws IOException {
        final ThreadCpu self = ThreadCpu.of(ProcessHandle.current().pid());
        assertThat(self.threads().values()).anyMatch(thread -> thread.name().equals("Common-Cleaner"))
                .allMatch(thread -> thread.name().length() <= 15);
        assertThat(self.threads().values().stream().mapToLong(ThreadCpu.Thread::cpuNanos).sum()).isPositive();
    }

    @Test
    void shouldPrintPercentOfOneCoreAndMebibytes() {
        final ResourcesBench.Phase idle = new ResourcesBench.Phase("idle, before the load", "60 s", 1_200_000_000L,
                Duration.ofSeconds(60), 300L << 20, 310L << 20, 2.5);
        final String table = ResourcesBench.markdown(new ResourcesBench.Results("streamavg bench resources", "Machine: test.",
                "2026-11-25T16:00Z", List.of(idle), List.of(new ThreadCpu.Group("kafka-1-raft-io", 1, 600_000_000L)),
                Duration.ofSeconds(60), List.of(Duration.ofMillis(400), Duration.ofMillis(250), Duration.ofMillis(900))));
        assertThat(table).contains("| idle, before the load | 60 s | 2.00 % | 300 | 310 | 2.50 |")
                .contains("median 400 ms, max 900 ms (each: 250, 400, 900 ms)")
                .contains("| `kafka-1-raft-io` | 1 | 600 | 1.00 % |")
                .contains("| the other 0 | 0 | 0 | 0.00 % |");
    }
}
