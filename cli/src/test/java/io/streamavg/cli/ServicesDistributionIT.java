package io.streamavg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service-only distribution as an image of the services ships it: {@code target/streamavg-services.jar}
 * with its dependencies in {@code target/lib/} (built by this module's package phase), run as a child
 * JVM: bridge, topology and sink, no {@code local}, no broker, no Scala.
 */
@Timeout(120)
class ServicesDistributionIT {

    private static final Path TARGET = Path.of("target");
    private static final Path JAR = TARGET.resolve("streamavg-services.jar");
    private static final Path LIB = TARGET.resolve("lib");
    private static final long DEADLINE_SECONDS = 60;
    /** A command line of the usage text: two spaces, the command, its summary. */
    private static final Pattern COMMAND = Pattern.compile("(?m)^  (\\S+) +\\S");
    private static final List<String> FORBIDDEN = List.of("kafka_2.13", "scala-", "streamavg-broker", "streamavg-local");

    @TempDir
    Path work;

    /** What a finished child printed, and its exit code. */
    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void shouldListTheThreeServicesButNotLocalOnHelp() throws Exception {
        final Run help = run("--help");

        assertThat(help.exitCode()).as("exit code of --help; stderr: %s", help.err()).isZero();
        assertThat(commands(help.out())).as("the commands of --help:%n%s", help.out()).containsExactly("bridge", "topology", "sink");
    }

    @Test
    void shouldRefuseLocalAsAnUnknownCommand() throws Exception {
        final Run local = run("local", "--port", "0");

        assertThat(local.exitCode()).as("exit code of local; stdout: %s", local.out()).isEqualTo(2);
        assertThat(local.err()).contains("unknown command 'local'");
        assertThat(commands(local.err())).as("the usage after the error").containsExactly("bridge", "topology", "sink");
    }

    @Test
    void shouldPrintItsVersion() throws Exception {
        final Run version = run("--version");

        assertThat(version.exitCode()).as("exit code of --version; stderr: %s", version.err()).isZero();
        assertThat(version.out().strip()).isEqualTo("streamavg " + projectVersion());
    }

    @Test
    void shouldShipNoBrokerAndNoScala() throws Exception {
        final List<String> files;
        try (Stream<Path> lib = Files.list(LIB)) {
            files = lib.map(path -> path.getFileName().toString()).sorted().toList();
        }

        assertThat(files).as("target/lib").isNotEmpty()
                .anySatisfy(file -> assertThat(file).startsWith("streamavg-bridge-"))
                .anySatisfy(file -> assertThat(file).startsWith("streamavg-topology-"))
                .anySatisfy(file -> assertThat(file).startsWith("streamavg-sink-"))
                .anySatisfy(file -> assertThat(file).startsWith("kafka-clients-"))
                .noneSatisfy(file -> assertThat(FORBIDDEN).anySatisfy(prefix -> assertThat(file).startsWith(prefix)));
        // The jar's class path names what target/lib holds, and nothing else.
        try (JarFile jar = new JarFile(JAR.toFile())) {
            final String classPath = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            assertThat(classPath).as("Class-Path of %s", JAR).isNotBlank();
            final List<String> entries = Arrays.stream(classPath.trim().split(" +")).toList();
            assertThat(entries).allSatisfy(entry -> {
                assertThat(entry).startsWith("lib/");
                assertThat(TARGET.resolve(entry)).as("class path entry %s", entry).isRegularFile();
            }).noneSatisfy(entry -> assertThat(FORBIDDEN).anySatisfy(prefix -> assertThat(entry).startsWith("lib/" + prefix)));
        }
    }

    /** Runs {@code java -jar target/streamavg-services.jar ARGS} to its end, within the deadline. */
    private Run run(final String... args) throws IOException, InterruptedException {
        assertThat(JAR).as("the service-only distribution, built by the package phase").isRegularFile();
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        final Path out = work.resolve("out-" + System.nanoTime() + ".txt");
        final Path err = work.resolve("err-" + System.nanoTime() + ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("STREAMAVG_"));
        final Process process = builder.start();
        try {
            assertThat(process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("streamavg %s ended within %d s", String.join(" ", args),
                    DEADLINE_SECONDS).isTrue();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<String> commands(final String usage) {
        final List<String> commands = new ArrayList<>();
        final Matcher matcher = COMMAND.matcher(usage);
        while (matcher.find()) {
            commands.add(matcher.group(1));
        }
        return commands;
    }

    /** The version Maven built, as the jar plugin recorded it. */
    private static String projectVersion() throws IOException {
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(TARGET.resolve("maven-archiver").resolve("pom.properties"))) {
            properties.load(in);
        }
        assertThat(properties.getProperty("version")).as("version in target/maven-archiver/pom.properties").isNotBlank();
        return properties.getProperty("version");
    }
}
