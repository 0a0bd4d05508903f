package io.streamavg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.bridge.BridgeConfig;
import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.ServiceCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker/Dockerfile} and its entry script held against the build and the launcher: the image
 * ships the service-only distribution cli builds, runs it through the script with the arguments
 * unchanged, as a user other than root, checks readiness on the HTTP port, and sets no variable a
 * command would refuse. (No Docker engine runs where these tests run: the image is not built here.)
 */
class DockerfileTest {

    private static final List<Instruction> INSTRUCTIONS = parse(Repository.read("docker/Dockerfile"));
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)");

    @TempDir
    Path work;

    /** One instruction, continuation lines joined. */
    private record Instruction(String keyword, String args) {
    }

    @Test
    void shouldShipTheServiceOnlyDistributionThatCliBuilds() {
        final String cliPom = Repository.read("cli/pom.xml");
        final String jar = single(Pattern.compile("<finalName>([^<]+)</finalName>"), cliPom) + ".jar";
        final String classpathPrefix = single(Pattern.compile("<classpathPrefix>([^<]+)</classpathPrefix>"), cliPom).replaceAll("/$", "");

        final List<Instruction> build = stage(0);
        assertThat(first(build, "WORKDIR")).isEqualTo("/src");
        assertThat(build).as("the build stage builds cli and what it needs")
                .anySatisfy(instruction -> assertThat(instruction.args()).contains("-pl cli -am package"));

        final List<Instruction> image = stage(1);
        assertThat(first(image, "FROM")).as("the image's base: a JRE").contains("jre");
        final Map<String, String> copied = copiedFromBuild(image);
        assertThat(copied).as("what the image takes from the build: the distribution and nothing else")
                .containsOnlyKeys("/src/cli/target/" + jar, "/src/cli/target/" + classpathPrefix);
        final Path installed = Path.of(copied.get("/src/cli/target/" + jar));
        // The jar's manifest names its dependencies relative to it.
        assertThat(Path.of(copied.get("/src/cli/target/" + classpathPrefix))).isEqualTo(installed.resolveSibling(classpathPrefix));

        final String script = Repository.read("docker/streamavg.sh");
        assertThat(script).as("docker/streamavg.sh runs the installed jar").contains("-jar " + installed + " \"$@\"");
        final String entryPoint = single(Pattern.compile("^\\[\"([^\"]+)\"]$"), first(image, "ENTRYPOINT"));
        assertThat(image).as("the entry script is installed where ENTRYPOINT runs it, %s", entryPoint)
                .anySatisfy(instruction -> assertThat(instruction.keyword().equals("COPY")
                        && instruction.args().matches("(--chmod=0?755 )?docker/streamavg\\.sh " + Pattern.quote(entryPoint))).isTrue());
    }

    @Test
    void shouldPassTheArgumentsUnchangedAndJavaOptsSplitToTheJvm() throws Exception {
        // A stand-in java that prints what it was given, one argument a line.
        final Path bin = Files.createDirectories(work.resolve("bin"));
        final Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor arg in \"$@\"; do printf '[%s]\\n' \"$arg\"; done\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        final List<String> withOptions = runEntryScript(bin, "-Xmx1g -XX:+ExitOnOutOfMemoryError",
                "topology", "--delimiter", " ", "--na-values", "", "--application-id", "a b");
        assertThat(withOptions).containsExactly("[-Xmx1g]", "[-XX:+ExitOnOutOfMemoryError]", "[-jar]", "[/opt/streamavg/streamavg-services.jar]",
                "[topology]", "[--delimiter]", "[ ]", "[--na-values]", "[]", "[--application-id]", "[a b]");
        assertThat(runEntryScript(bin, null, "--version")).containsExactly("[-jar]", "[/opt/streamavg/streamavg-services.jar]", "[--version]");
    }

    @Test
    void shouldRunAsAUserOtherThanRoot() {
        final String user = first(stage(1), "USER");
        assertThat(user).as("USER: numeric, so that Kubernetes' runAsNonRoot can check it").matches("\\d+(:\\d+)?");
        final String uid = user.split(":")[0];
        assertThat(uid).isNotEqualTo("0");
        assertThat(stage(1)).as("the user is created with that uid")
                .anySatisfy(instruction -> assertThat(instruction.args()).contains("useradd").contains("--uid " + uid));
    }

    @Test
    void shouldCheckReadinessOnTheHttpPortAndExposeTheServicesPorts() {
        final Set<Object> httpDefaults = new TreeSet<>();
        ServiceLaunch.COMMANDS.values().forEach(command -> httpDefaults.add(command.options().configKeys().get(HttpEndpoints.HTTP_PORT).defaultValue));
        assertThat(httpDefaults).as("--http-port's default, the same for every command").hasSize(1);
        final Object http = httpDefaults.iterator().next();

        final String check = first(stage(1), "HEALTHCHECK");
        assertThat(check).as("HEALTHCHECK").contains("http://127.0.0.1:${STREAMAVG_HTTP_PORT:-" + http + "}/health/ready");

        final Object ingest = ServiceLaunch.COMMANDS.get("bridge").options().configKeys().get(BridgeConfig.PORT).defaultValue;
        assertThat(first(stage(1), "EXPOSE").split("\\s+")).as("EXPOSE").containsExactlyInAnyOrder(String.valueOf(http), String.valueOf(ingest));
    }

    @Test
    void shouldSetNoVariableThatACommandWouldRefuse() {
        final Map<String, String> env = new LinkedHashMap<>();
        stage(1).stream().filter(instruction -> instruction.keyword().equals("ENV")).forEach(instruction -> {
            final Matcher pair = ENV_PAIR.matcher(instruction.args());
            while (pair.find()) {
                env.put(pair.group(1), pair.group(2).replaceAll("^\"|\"$", ""));
            }
        });
        assertThat(env).as("ENV of the image").isNotEmpty();
        for (final ServiceCommand command : ServiceLaunch.COMMANDS.values()) {
            final Map<String, String> started = new HashMap<>(env);
            started.put("STREAMAVG_" + KafkaClientSettings.BOOTSTRAP_SERVERS.toUpperCase().replace('-', '_'), "kafka:9092");
            new ServiceLaunch("docker/Dockerfile ENV", command.name(), started).accepted();
        }
    }

    // The Dockerfile.

    private static List<Instruction> parse(final String dockerfile) {
        final List<Instruction> instructions = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        for (final String line : dockerfile.split("\n")) {
            final String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            final String text = current.toString().strip().replaceAll("\\s+", " ");
            current.setLength(0);
            final int space = text.indexOf(' ');
            instructions.add(new Instruction(text.substring(0, space), text.substring(space + 1)));
        }
        return instructions;
    }

    /** The instructions of stage {@code index}, its FROM first. */
    private static List<Instruction> stage(final int index) {
        final List<List<Instruction>> stages = new ArrayList<>();
        for (final Instruction instruction : INSTRUCTIONS) {
            if (instruction.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).add(instruction);
            }
        }
        assertThat(stages).as("stages of docker/Dockerfile: the build, then the image").hasSize(2);
        return stages.get(index);
    }

    private static String first(final List<Instruction> stage, final String keyword) {
        return stage.stream().filter(instruction -> instruction.keyword().equals(keyword)).map(Instruction::args).findFirst()
                .orElseThrow(() -> new AssertionError("no " + keyword + " in the stage " + stage.get(0).args()));
    }

    /** COPY --from=build SOURCE DESTINATION, by source, trailing slashes dropped. */
    private static Map<String, String> copiedFromBuild(final List<Instruction> stage) {
        final Map<String, String> copied = new LinkedHashMap<>();
        stage.stream().filter(instruction -> instruction.keyword().equals("COPY") && instruction.args().startsWith("--from=build "))
                .forEach(instruction -> {
                    final String[] parts = instruction.args().substring("--from=build ".length()).split(" ");
                    assertThat(parts).as("COPY %s: one source, one destination", instruction.args()).hasSize(2);
                    copied.put(parts[0].replaceAll("/$", ""), parts[1].replaceAll("/$", ""));
                });
        return copied;
    }

    private static String single(final Pattern pattern, final String text) {
        final Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
        return matcher.group(1);
    }

    // The entry script.

    private List<String> runEntryScript(final Path bin, final String javaOpts, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("sh", Repository.path("docker/streamavg.sh").toString()));
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
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the entry script finished").isTrue();
        assertThat(process.exitValue()).as("exit code of the entry script; output: %s", out).isZero();
        return out.lines().toList();
    }
}
