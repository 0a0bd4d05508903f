package io.streamavg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's dependency rule (the root pom's dependency analysis) at work: a throw-away module
 * whose parent is the repository's root pom, built by Maven in a child process, offline. A declared
 * dependency its code does not use fails the build, naming it; the same dependency in use passes.
 */
class DependencyRulesIT {

    private static final Path ROOT = Path.of(System.getProperty("streamavg.root", ".."));
    /** A dependency the main build has resolved already, so that the child build runs offline. */
    private static final String DEPENDENCY = "com.fasterxml.jackson.core:jackson-databind";
    private static final long DEADLINE_SECONDS = 60;

    @TempDir
    Path module;

    @Test
    void shouldFailTheBuildNamingADeclaredDependencyTheCodeDoesNotUse() throws Exception {
        final Build build = build("public final class Probe {\n}\n");

        assertThat(build.exitCode()).as("exit code of a module with an unused dependency; its output:%n%s", build.output())
                .isNotZero();
        assertThat(build.output()).contains("Unused declared dependencies found", DEPENDENCY);
    }

    @Test
    void shouldPassWhenTheCodeUsesTheDependency() throws Exception {
        final Build build = build("""
                public final class Probe {
                    static Object mapper() {
                        return new com.fasterxml.jackson.databind.ObjectMapper();
                    }
                }
                """);

        assertThat(build.exitCode()).as("exit code of a module using its dependency; its output:%n%s", build.output())
                .isZero();
    }

    /** Writes the module (its pom declares {@link #DEPENDENCY}, its one class is {@code probe.Probe}) and builds it. */
    private Build build(final String probeClass) throws IOException, InterruptedException {
        final Path rootPom = ROOT.resolve("pom.xml").toRealPath();
        final Path dir = module.toRealPath();
        final String[] dependency = DEPENDENCY.split(":");
        Files.writeString(dir.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>io.streamavg</groupId>
                    <artifactId>streamavg-parent</artifactId>
                    <version>%s</version>
                    <relativePath>%s</relativePath>
                  </parent>
                  <artifactId>dependency-rules-probe</artifactId>
                  <dependencies>
                    <dependency>
                      <groupId>%s</groupId>
                      <artifactId>%s</artifactId>
                    </dependency>
                  </dependencies>
                </project>
                """.formatted(parentVersion(rootPom), dir.relativize(rootPom), dependency[0], dependency[1]),
                StandardCharsets.UTF_8);
        final Path source = dir.resolve("src/main/java/probe/Probe.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package probe;\n\n" + probeClass, StandardCharsets.UTF_8);

        // process-test-classes is where the root pom runs the analysis; no later phase is needed.
        final Path output = dir.resolve("build.log");
        final ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("mvnw").toRealPath().toString(),
                "-B", "-o", "-q", "-f", dir.resolve("pom.xml").toString(), "process-test-classes")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // A build this short is mostly JVM start-up: the quick compiler halves it.
        builder.environment().merge("MAVEN_OPTS", "-XX:TieredStopAtLevel=1", (opts, quick) -> opts + " " + quick);
        final Process maven = builder.start();
        if (!maven.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            maven.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("Maven did not finish within " + DEADLINE_SECONDS + " s; its output:\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Build(maven.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static String parentVersion(final Path rootPom) throws IOException {
        final Matcher version = Pattern.compile("<artifactId>streamavg-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(rootPom, StandardCharsets.UTF_8));
        assertThat(version.find()).as("the parent's version in %s", rootPom).isTrue();
        return version.group(1);
    }

    private record Build(int exitCode, String output) {
    }
}
