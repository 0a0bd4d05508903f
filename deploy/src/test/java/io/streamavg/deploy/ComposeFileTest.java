package io.streamavg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamavg.bridge.BridgeConfig;
import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.Version;
import io.streamavg.sink.SinkConfig;
import io.streamavg.topology.StatsTopologyConfig;
import io.streamavg.wire.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/compose.yaml} held against the services: each streamavg container's environment is
 * read by its command exactly as at start, the published ports and volumes are those of the options
 * in force, the broker is the clients' release, and the topics are created as the services expect.
 * (No Docker engine runs where these tests run: the stack itself is not started here.)
 */
class ComposeFileTest {

    private static final String FILE = "docker/compose.yaml";
    private static final JsonNode COMPOSE = Manifests.documents(Repository.read(FILE)).get(0);
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|h|m|s)");
    private static final Pattern TOPIC_COMMAND = Pattern.compile("(?m)^\\s*\\S*kafka-topics\\.sh (.*)$");

    @Test
    void shouldStartEachServiceWithOnlyVariablesItsCommandReads() {
        assertThat(streamavgServices().values()).extracting(ComposeFileTest::command)
                .containsExactlyInAnyOrder("bridge", "topology", "topology", "sink");
        streamavgServices().forEach((name, service) -> launch(name).accepted());
        // Compose would replace $VARIABLE from the shell that runs it: the stack depends on none.
        assertThat(Repository.read(FILE)).as(FILE).doesNotContain("$");
    }

    @Test
    void shouldBuildOneImageOfThisVersionFromTheDockerfile() {
        streamavgServices().forEach((name, service) -> {
            assertThat(service.path("image").asText()).as("image of %s", name).isEqualTo("streamavg:" + Version.current());
            final Path context = Repository.path("docker").resolve(service.path("build").path("context").asText()).normalize();
            assertThat(context).as("build context of %s: the repository", name).isEqualTo(Repository.ROOT.normalize());
            assertThat(service.path("build").path("dockerfile").asText()).as("Dockerfile of %s", name).isEqualTo("docker/Dockerfile");
            assertThat(service.has("entrypoint")).as("%s runs the image's entry point", name).isFalse();
        });
        assertThat(Files.isRegularFile(Repository.path("docker/Dockerfile"))).isTrue();
    }

    @Test
    void shouldConnectEveryServiceToTheComposedBrokerOnceTheTopicsExist() {
        final JsonNode kafka = service("kafka");
        assertThat(kafka.path("image").asText()).as("the broker: the clients' Kafka release, as the Testcontainers tests use")
                .isEqualTo(System.getProperty("streamavg.kafka.image"));
        final String advertised = kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        final List<String> addresses = new ArrayList<>();
        for (final String listener : advertised.split(",")) {
            addresses.add(listener.substring(listener.indexOf("://") + 3));
        }
        assertThat(addresses).as("advertised listeners").allSatisfy(address -> assertThat(address).startsWith("kafka:"));
        assertThat(kafka.path("healthcheck").path("test").toString()).as("the broker's health check").contains("kafka-broker-api-versions.sh");

        streamavgServices().forEach((name, service) -> {
            final AbstractConfig options = launch(name).accepted();
            assertThat(options.getList(KafkaClientSettings.BOOTSTRAP_SERVERS)).as("bootstrap servers of %s", name).isSubsetOf(addresses);
            assertThat(service.path("depends_on").path("topics").path("condition").asText()).as("%s waits for the topics", name)
                    .isEqualTo("service_completed_successfully");
            assertThat(duration(service.path("stop_grace_period").asText("10s")))
                    .as("stop_grace_period of %s, beyond the clean stop", name).isGreaterThan(ServiceRunner.CLOSE_TIMEOUT.multipliedBy(2));
        });
        assertThat(service("topics").path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void shouldCreateTheTopicsTheServicesExpect() {
        final Map<String, NewTopic> created = new TreeMap<>();
        for (final List<String> args : topicCommands()) {
            assertThat(args).as("kafka-topics.sh %s", args).contains("--create", "--if-not-exists");
            assertThat(value(args, "--bootstrap-server")).isEqualTo(Optional.of("kafka:9092"));
            final String topic = value(args, "--topic").orElseThrow();
            final Map<String, String> configs = new TreeMap<>();
            for (int i = 0; i < args.size() - 1; i++) {
                if (args.get(i).equals("--config")) {
                    final String[] setting = args.get(i + 1).split("=", 2);
                    configs.put(setting[0], setting[1]);
                }
            }
            created.put(topic, new NewTopic(topic, Optional.of(Integer.parseInt(value(args, "--partitions").orElseThrow())), Optional.empty())
                    .configs(configs));
        }
        final int partitions = launch("topology-1").accepted().getInt(StatsTopologyConfig.PARTITIONS);
        final List<NewTopic> expected = Topics.definitions(partitions);
        assertThat(created.keySet()).as("topics created").containsExactlyInAnyOrderElementsOf(expected.stream().map(NewTopic::name).toList());
        for (final NewTopic topic : expected) {
            assertThat(created.get(topic.name()).numPartitions()).as("partitions of %s", topic.name()).isEqualTo(topic.numPartitions());
            assertThat(created.get(topic.name()).configs()).as("configs of %s", topic.name())
                    .isEqualTo(new TreeMap<>(topic.configs() == null ? Map.of() : topic.configs()));
        }
        assertThat(service("kafka").path("environment").path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText())
                .as("no topic appears unless created as it must be").isEqualTo("false");
    }

    @Test
    void shouldPublishTheIngestAndHttpPortsOnThisMachineOnly() {
        final Set<Integer> hostPorts = new HashSet<>();
        streamavgServices().forEach((name, service) -> {
            final AbstractConfig options = launch(name).accepted();
            final Map<Integer, Integer> published = new LinkedHashMap<>();
            service.path("ports").forEach(port -> {
                final String[] parts = port.asText().replace("/tcp", "").split(":");
                assertThat(parts).as("port %s of %s: 127.0.0.1:HOST:CONTAINER", port.asText(), name).hasSize(3);
                assertThat(parts[0]).as("host address of %s", name).isEqualTo("127.0.0.1");
                published.put(Integer.parseInt(parts[2]), Integer.parseInt(parts[1]));
                assertThat(hostPorts.add(Integer.parseInt(parts[1]))).as("host port %s published once", parts[1]).isTrue();
            });
            assertThat(published).as("container ports %s publishes", name).containsKey(options.getInt(HttpEndpoints.HTTP_PORT));
            if (command(service).equals("bridge")) {
                // Clients connect where they connected to the Python server: the same port on the host.
                final int ingest = options.getInt(BridgeConfig.PORT);
                assertThat(published).as("the bridge's ingest port").containsEntry(ingest, ingest);
            }
        });
    }

    @Test
    void shouldKeepTheDatabaseAndEachInstancesStateOnNamedVolumesOfTheirOwn() {
        final Set<String> declared = new HashSet<>();
        COMPOSE.path("volumes").fieldNames().forEachRemaining(declared::add);
        final Map<String, String> owners = new TreeMap<>();
        streamavgServices().forEach((name, service) -> {
            final AbstractConfig options = launch(name).accepted();
            final Path kept = switch (command(service)) {
                case "sink" -> Path.of(options.getString(SinkConfig.DB)).getParent();
                case "topology" -> Path.of(options.getString(StatsTopologyConfig.STATE_DIR));
                default -> null;
            };
            service.path("volumes").forEach(mount -> {
                final String volume = mount.asText().split(":")[0];
                assertThat(declared).as("volume %s of %s is a named volume", volume, name).contains(volume);
                assertThat(owners.put(volume, name)).as("volume %s is %s's alone", volume, name).isNull();
            });
            if (kept != null) {
                assertThat(kept.isAbsolute()).as("%s keeps its files at an absolute path", name).isTrue();
                assertThat(mountPoints(service)).as("%s: %s is on a named volume", name, kept).anyMatch(kept::startsWith);
            }
        });
    }

    @Test
    void shouldLetTopologyInstancesFindEachOtherAndJoinAsStaticMembers() {
        final Set<String> applicationIds = new HashSet<>();
        final Set<String> members = new HashSet<>();
        streamavgServices().forEach((name, service) -> {
            if (command(service).equals("bridge")) {
                return; // a producer only: in no consumer group
            }
            final ServiceLaunch launch = launch(name);
            final Map<String, String> settings = launch.settings();
            final Object member = settings.get(KafkaClientSettings.passThroughKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
            assertThat(member).as("group.instance.id of %s", name).isNotNull();
            assertThat(members.add(member.toString())).as("group.instance.id %s of %s is its own", member, name).isTrue();
            if (command(service).equals("topology")) {
                final Properties streams = new StatsTopologyConfig(settings).streamsProperties();
                assertThat(streams.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).as("application.server of %s: its service name", name)
                        .isEqualTo(name + ":" + launch.accepted().getInt(HttpEndpoints.HTTP_PORT));
                applicationIds.add(streams.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
            }
        });
        assertThat(applicationIds).as("the topology instances share one application id").hasSize(1);
    }

    // The file.

    private static Map<String, JsonNode> streamavgServices() {
        final Map<String, JsonNode> services = new TreeMap<>();
        COMPOSE.path("services").fields().forEachRemaining(entry -> {
            if (entry.getValue().path("image").asText().startsWith("streamavg:")) {
                services.put(entry.getKey(), entry.getValue());
            }
        });
        return services;
    }

    /** The arguments of each kafka-topics.sh line of the topics service's script, as written. */
    static List<List<String>> topicCommands() {
        final List<List<String>> commands = new ArrayList<>();
        final Matcher line = TOPIC_COMMAND.matcher(service("topics").path("command").path(0).asText());
        while (line.find()) {
            commands.add(List.of(line.group(1).trim().split("\\s+")));
        }
        assertThat(commands).as("kafka-topics.sh lines of the topics service").isNotEmpty();
        return commands;
    }

    private static JsonNode service(final String name) {
        final JsonNode service = COMPOSE.path("services").path(name);
        assertThat(service.isMissingNode()).as("service %s in %s", name, FILE).isFalse();
        return service;
    }

    private static String command(final JsonNode service) {
        assertThat(service.path("command").size()).as("command %s: the service's name, its settings in the environment", service.path("command"))
                .isEqualTo(1);
        return service.path("command").path(0).asText();
    }

    private static ServiceLaunch launch(final String name) {
        final JsonNode service = service(name);
        final Map<String, String> env = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue().asText()));
        return new ServiceLaunch(FILE + " service " + name, command(service), env);
    }

    private static List<Path> mountPoints(final JsonNode service) {
        final List<Path> points = new ArrayList<>();
        service.path("volumes").forEach(mount -> points.add(Path.of(mount.asText().split(":")[1])));
        return points;
    }

    private static Optional<String> value(final List<String> args, final String option) {
        final int at = args.indexOf(option);
        return at < 0 || at + 1 >= args.size() ? Optional.empty() : Optional.of(args.get(at + 1));
    }

    /** A Compose duration: 90s, 1m30s, 500ms. */
    private static Duration duration(final String text) {
        Duration total = Duration.ZERO;
        final Matcher part = DURATION.matcher(text);
        int end = 0;
        while (part.find() && part.start() == end) {
            final long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
            });
            end = part.end();
        }
        assertThat(end).as("duration '%s'", text).isEqualTo(text.length());
        return total;
    }
}
