package io.streamavg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose stack's topics service, its kafka-topics.sh lines run for real (Kafka's own
 * TopicCommand, which the script runs in the apache/kafka image) against a real broker, twice, as
 * at a second {@code docker compose up}: the topics come out as {@link Topics#definitions} says.
 */
@Timeout(600)
class ComposeTopicsIT {

    private static final String TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand";

    @TempDir
    Path work;

    @Test
    void shouldCreateThePipelinesTopicsAndLeaveThemAloneTheSecondTime() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0)) {
            for (final int run : new int[] {1, 2}) {
                for (final List<String> args : ComposeFileTest.topicCommands()) {
                    final List<String> line = new ArrayList<>(args);
                    line.set(line.indexOf("--bootstrap-server") + 1, broker.bootstrapServers());
                    runTopicCommand(line, work.resolve("topics-" + run + "-" + args.get(args.indexOf("--topic") + 1) + ".log"));
                }
            }
            final List<NewTopic> expected = Topics.definitions(4);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                final List<String> names = expected.stream().map(NewTopic::name).toList();
                final Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS);
                final Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get(60, TimeUnit.SECONDS);
                for (final NewTopic topic : expected) {
                    assertThat(described.get(topic.name()).partitions()).as("partitions of %s", topic.name()).hasSize(topic.numPartitions());
                    final String policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()))
                            .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                    final String wanted = topic.configs() == null ? TopicConfig.CLEANUP_POLICY_DELETE
                            : topic.configs().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
                    assertThat(policy).as("cleanup.policy of %s", topic.name()).isEqualTo(wanted);
                }
            }
        }
    }

    /** kafka-topics.sh is this class in a JVM of its own; it must exit 0. */
    private static void runTopicCommand(final List<String> args, final Path log) throws Exception {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TOPIC_COMMAND));
        command.addAll(args);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kafka-topics.sh " + args + " did not finish within 300 s");
        }
        assertThat(process.exitValue()).as("exit code of kafka-topics.sh %s: %s", args, Files.readString(log, StandardCharsets.UTF_8)).isZero();
    }
}
