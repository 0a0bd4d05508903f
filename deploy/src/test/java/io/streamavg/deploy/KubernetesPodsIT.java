package io.streamavg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.testkit.AveragesDatabase;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.LineClients;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three services started as the rendered pods start them (their ConfigMaps and variables,
 * static membership included; only Kafka, ports and paths are this machine's), from the
 * distribution the image ships, on a real broker: every probe and the scrape path answer at the
 * routes the manifests name, the README's example is counted, and SIGTERM stops each within the
 * pod's grace period. Skipped, saying so, where kubectl is not installed.
 */
@Timeout(900)
class KubernetesPodsIT {

    // Generous: on a loaded machine a JVM took 65 s from its options to serving HTTP.
    private static final Duration START = Duration.ofSeconds(300);
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** The services' output, kept for a look after a failure. */
    private static final Path LOGS = Path.of("target", "kubernetes-pods-it");

    @TempDir
    static Path work;
    private static List<JsonNode> base;
    private static JsonNode secret;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        final Optional<Path> kubectl = Manifests.kubectl();
        Assumptions.assumeTrue(kubectl.isPresent(),
                "kubectl is not on the PATH: the services are not started from the rendered k8s/ manifests on this machine (CI has kubectl)");
        base = Manifests.kustomize(kubectl.get(), Repository.path("k8s"));
        secret = Manifests.documents(Repository.read("k8s/kafka-secret.example.yaml")).get(0);
        Files.createDirectories(LOGS);
        broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAnswerEveryProbeAndCountTheExampleWhenStartedAsThePodsAre() throws Exception {
        final Path db = work.resolve("data/processed_data.db");
        final Map<String, Integer> httpPorts = new LinkedHashMap<>();
        final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
        final int ingest = EmbeddedKafkaBroker.freePort();
        try {
            // The topology first: it creates the topics the bridge and the sink wait for.
            for (final String command : List.of("topology", "sink", "bridge")) {
                final JsonNode workload = workload(command);
                final int http = EmbeddedKafkaBroker.freePort();
                final Map<String, String> env = new LinkedHashMap<>(Pods.launch(base, secret, workload, 0, "streams").env());
                // The cluster's Kafka and its security are the Secret's; here, the broker of this test.
                secret.path("stringData").fieldNames().forEachRemaining(env::remove);
                env.put("STREAMAVG_BOOTSTRAP_SERVERS", broker.bootstrapServers());
                env.put("STREAMAVG_HTTP_PORT", String.valueOf(http));
                switch (command) {
                    case "topology" -> {
                        env.put("STREAMAVG_STATE_DIR", work.resolve("state").toString());
                        env.put("STREAMAVG_KAFKA_APPLICATION_SERVER", "127.0.0.1:" + http);
                    }
                    case "sink" -> {
                        Files.createDirectories(db.getParent());
                        env.put("STREAMAVG_DB", db.toString());
                    }
                    default -> env.put("STREAMAVG_PORT", String.valueOf(ingest));
                }
                // Nothing of the pod's environment is left out but what is replaced above.
                assertThat(env.keySet()).containsAll(Pods.launch(base, secret, workload, 0, "streams").env().keySet().stream()
                        .filter(name -> !secret.path("stringData").has(name)).toList());
                httpPorts.put(command, http);
                processes.put(command, ServiceProcess.start(command, env, LOGS.resolve(command + ".log")));
            }

            for (final String command : processes.keySet()) {
                final JsonNode container = Pods.container(workload(command));
                final ServiceProcess process = processes.get(command);
                final int http = httpPorts.get(command);
                final String ready = container.path("readinessProbe").path("httpGet").path("path").asText();
                Eventually.assertWithin(START, () -> assertThat(process.get(http, ready).statusCode()).as("%s: GET %s", command, ready).isEqualTo(200));
                for (final String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
                    final String path = container.path(probe).path("httpGet").path("path").asText();
                    final HttpResponse<String> response = process.get(http, path);
                    assertThat(response.statusCode()).as("%s: %s GET %s", command, probe, path).isEqualTo(200);
                    assertThat(response.body()).as("%s: %s GET %s", command, probe, path).contains("\"status\":\"UP\"");
                }
                final String scrape = workload(command).path("spec").path("template").path("metadata").path("annotations")
                        .path("prometheus.io/path").asText();
                final HttpResponse<String> metrics = process.get(http, scrape);
                assertThat(metrics.statusCode()).as("%s: GET %s", command, scrape).isEqualTo(200);
                assertThat(metrics.body()).as("%s: its own meters at %s", command, scrape).contains("streamavg_" + command + "_");
            }

            LineClients.send(ingest, List.of("1,2,3", "4,5,6", "7,8,9"), 1, 47);
            Eventually.assertWithin(WAIT, () -> assertThat(AveragesDatabase.readmeQuery(db)).containsExactly("0|4.0", "1|5.0", "2|6.0"));

            // Upstream first, as a rollout of everything would; each within its pod's grace period.
            final List<Integer> exitCodes = new ArrayList<>();
            for (final String command : List.of("bridge", "sink", "topology")) {
                final Duration grace = Duration.ofSeconds(workload(command).path("spec").path("template").path("spec")
                        .path("terminationGracePeriodSeconds").asLong(30));
                exitCodes.add(processes.get(command).terminate(grace));
            }
            assertThat(exitCodes).as("exit codes of bridge, sink and topology after SIGTERM").allSatisfy(code -> assertThat(code).isZero());
        } finally {
            processes.values().forEach(ServiceProcess::close);
        }
    }

    private static JsonNode workload(final String command) {
        return base.stream()
                .filter(object -> List.of("Deployment", "StatefulSet").contains(object.path("kind").asText()))
                .filter(object -> Pods.command(object).equals(command))
                .findFirst().orElseThrow(() -> new AssertionError("no workload runs " + command));
    }
}
