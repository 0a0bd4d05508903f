package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options the {@code streamavg} launcher gives {@code local} (docs/BENCHMARKS.md, the
 * resources bench): a heap of its own, the serial collector and performance counters sampled once
 * a second, each replaced by JAVA_OPTS when they choose one. Runs the repository's script, copied beside a built-looking jar so that it
 * builds nothing, with a stand-in {@code java} that prints its arguments.
 */
class LauncherJvmOptionsTest {

    private static final Path LAUNCHER = Path.of("..", "streamavg");

    @TempDir
    Path root;

    private Path bin;

    @BeforeEach
    void copyTheLauncher() throws IOException {
        final Path script = Files.copy(LAUNCHER, root.resolve("streamavg"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Nothing beside it newer than the jar: the launcher goes straight to java.
        Files.writeString(root.resolve("pom.xml"), "");
        Files.writeString(Files.createDirectories(root.resolve("local/target")).resolve("streamavg.jar"), "");
        bin = Files.createDirectories(root.resolve("bin"));
        final Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor arg in \"$@\"; do printf '[%s]\\n' \"$arg\"; done\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void shouldGiveLocalASmallHeapAndTheSerialCollector() throws Exception {
        assertThat(launch(null, "local", "--port", "0")).containsExactly("[-Xmx256m]", "[-XX:+UseSerialGC]",
                "[-XX:PerfDataSamplingInterval=1000]", "[-jar]",
                "[" + root.resolve("local/target/streamavg.jar") + "]", "[local]", "[--port]", "[0]");
    }

    @Test
    void shouldLetJavaOptsChooseTheHeapOrTheCollector() throws Exception {
        assertThat(launch("-Xmx1g", "local")).containsSubsequence("[-XX:+UseSerialGC]", "[-Xmx1g]", "[-jar]")
                .doesNotContain("[-Xmx256m]");
        assertThat(launch("-XX:MaxRAMPercentage=50", "local")).doesNotContain("[-Xmx256m]").contains("[-XX:MaxRAMPercentage=50]");
        assertThat(launch("-XX:+UseG1GC -Xlog:gc", "local")).containsSubsequence("[-Xmx256m]", "[-XX:+UseG1GC]", "[-Xlog:gc]")
                .doesNotContain("[-XX:+UseSerialGC]");
    }

    @Test
    void shouldLetJavaOptsChooseThePerformanceCounters() throws Exception {
        assertThat(launch("-XX:PerfDataSamplingInterval=50", "local")).contains("[-XX:PerfDataSamplingInterval=50]")
                .doesNotContain("[-XX:PerfDataSamplingInterval=1000]");
        assertThat(launch("-XX:-UsePerfData", "local")).contains("[-XX:-UsePerfData]")
                .doesNotContain("[-XX:PerfDataSamplingInterval=1000]");
    }

    /** The separate services keep the JVM's own defaults: their deployments size them (the image sets MaxRAMPercentage). */
    @Test
    void shouldLeaveTheServicesJvmAlone() throws Exception {
        assertThat(launch(null, "sink", "--help")).containsExactly("[-jar]", "[" + root.resolve("local/target/streamavg.jar") + "]",
                "[sink]", "[--help]");
    }

    private List<String> launch(final String javaOpts, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(root.resolve("streamavg").toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + builder.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        if (javaOpts == null) {
            builder.environment().remove("JAVA_OPTS");
        } else {
            builder.environment().put("JAVA_OPTS", javaOpts);
        }
        final Process process = builder.start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        assertThat(process.exitValue()).as("exit code of the launcher; output: %s", out).isZero();
        return out.lines().toList();
    }
}
