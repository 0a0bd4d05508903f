package io.streamavg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamavg.bridge.BridgeConfig;
import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.Version;
import io.streamavg.sink.SinkConfig;
import io.streamavg.topology.StatsTopologyConfig;
import io.streamavg.wire.Topics;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl kustomize k8s} (and the Strimzi overlay) renders, held against the services
 * themselves: each container's environment is read by its command exactly as at start, ports,
 * probes and scrape annotations are those of the options in force, and the objects refer to each
 * other consistently. Skipped, saying so, where kubectl is not installed.
 */
class KubernetesManifestsTest {

    /** The namespace the pods are imagined in: the manifests name none, and must work in any. */
    private static final String NAMESPACE = "streams";
    private static final Pattern DOCKERFILE_USER = Pattern.compile("(?m)^USER (\\d+)(?::(\\d+))?\\s*$");

    private static List<JsonNode> base;
    private static List<JsonNode> strimzi;
    private static JsonNode exampleSecret;

    @BeforeAll
    static void render() {
        final Optional<Path> kubectl = Manifests.kubectl();
        Assumptions.assumeTrue(kubectl.isPresent(),
                "kubectl is not on the PATH: the rendered k8s/ manifests are not checked on this machine (CI has kubectl)");
        base = Manifests.kustomize(kubectl.get(), Repository.path("k8s"));
        strimzi = Manifests.kustomize(kubectl.get(), Repository.path("k8s/overlays/strimzi"));
        exampleSecret = Manifests.documents(Repository.read("k8s/kafka-secret.example.yaml")).get(0);
    }

    @Test
    void shouldGiveEachContainerOnlyVariablesItsCommandReads() {
        assertThat(workloads()).extracting(KubernetesManifestsTest::command).containsExactlyInAnyOrder("bridge", "topology", "sink");
        for (final JsonNode workload : workloads()) {
            for (final int ordinal : new int[] {0, 1}) {
                launch(workload, ordinal).accepted();
            }
        }
        // A ConfigMap no container reads would be settings silently not applied.
        final Set<String> referenced = new HashSet<>();
        workloads().forEach(workload -> container(workload).path("envFrom")
                .forEach(source -> referenced.add(source.path("configMapRef").path("name").asText())));
        assertThat(objects(base, "ConfigMap")).extracting(map -> map.path("metadata").path("name").asText())
                .allSatisfy(name -> assertThat(referenced).as("ConfigMaps read by a container").contains(name));
    }

    @Test
    void shouldProbeAndScrapeThePortsAndRoutesTheServicesServe() {
        for (final JsonNode workload : workloads()) {
            final String where = where(workload);
            final AbstractConfig options = launch(workload, 0).accepted();
            final int http = options.getInt(HttpEndpoints.HTTP_PORT);
            final JsonNode container = container(workload);
            final Map<String, Integer> ports = ports(container);

            assertThat(ports).as("%s: container ports", where).containsEntry("http", http);
            assertThat(probe(container, "readinessProbe", ports)).as("%s: readiness probe", where).isEqualTo("/health/ready:" + http);
            assertThat(probe(container, "livenessProbe", ports)).as("%s: liveness probe", where).isEqualTo("/health/live:" + http);
            // Until the JVM serves HTTP; liveness, not readiness, so that a long restore does not hold it.
            assertThat(probe(container, "startupProbe", ports)).as("%s: startup probe", where).isEqualTo("/health/live:" + http);
            // A minute of failures at least before a restart: a busy JVM may miss one answer.
            final JsonNode liveness = container.path("livenessProbe");
            assertThat(liveness.path("periodSeconds").asInt(10) * liveness.path("failureThreshold").asInt(3))
                    .as("%s: seconds of failed liveness probes before a restart", where).isGreaterThanOrEqualTo(60);

            final JsonNode annotations = workload.path("spec").path("template").path("metadata").path("annotations");
            assertThat(annotations.path("prometheus.io/scrape").asText()).as("%s: scrape annotation", where).isEqualTo("true");
            assertThat(annotations.path("prometheus.io/port").asText()).as("%s: scrape port", where).isEqualTo(String.valueOf(http));
            assertThat(annotations.path("prometheus.io/path").asText()).as("%s: scrape path", where).isEqualTo("/metrics");

            if (command(workload).equals("bridge")) {
                assertThat(ports).as("%s: container ports", where).containsEntry("ingest", options.getInt(BridgeConfig.PORT));
            }
        }
    }

    @Test
    void shouldSelectEachWorkloadsPodsWithItsServicesBudgetsAndAutoscalers() {
        for (final JsonNode service : objects(base, "Service")) {
            final String name = service.path("metadata").path("name").asText();
            final List<JsonNode> selected = selectedBy(service.path("spec").path("selector"));
            assertThat(selected).as("workloads selected by Service %s", name).hasSize(1);
            final Map<String, Integer> ports = ports(container(selected.get(0)));
            service.path("spec").path("ports").forEach(port -> assertThat(targetPort(port.path("targetPort"), ports))
                    .as("Service %s port %s: a port of %s", name, port.path("name").asText(), where(selected.get(0))).isPresent());
        }
        final JsonNode bridgeService = object(base, "Service", "streamavg-bridge");
        final int ingest = launch(workload("bridge"), 0).accepted().getInt(BridgeConfig.PORT);
        assertThat(bridgeService.path("spec").path("ports")).as("the bridge's Service: clients connect where they did")
                .anySatisfy(port -> assertThat(port.path("port").asInt()).isEqualTo(ingest));

        for (final JsonNode budget : objects(base, "PodDisruptionBudget")) {
            assertThat(selectedBy(budget.path("spec").path("selector").path("matchLabels")))
                    .as("workloads of PodDisruptionBudget %s", budget.path("metadata").path("name").asText()).hasSize(1);
        }
        for (final JsonNode workload : workloads()) {
            assertThat(objects(base, "PodDisruptionBudget")).as("%s: its PodDisruptionBudget", where(workload))
                    .filteredOn(budget -> selects(budget.path("spec").path("selector").path("matchLabels"), workload)).hasSize(1);
            final JsonNode selector = workload.path("spec").path("selector").path("matchLabels");
            assertThat(selects(selector, workload)).as("%s: its selector matches its pod template", where(workload)).isTrue();
            assertThat(workloads()).as("%s: workloads its selector matches", where(workload))
                    .filteredOn(other -> selects(selector, other)).hasSize(1);
        }
        for (final JsonNode autoscaler : objects(base, "HorizontalPodAutoscaler")) {
            final JsonNode target = autoscaler.path("spec").path("scaleTargetRef");
            final JsonNode workload = object(base, target.path("kind").asText(), target.path("name").asText());
            assertThat(autoscaler.path("spec").path("minReplicas").asInt()).as("minReplicas of %s", where(workload)).isBetween(1,
                    autoscaler.path("spec").path("maxReplicas").asInt());
            // Applying the manifests again must not reset what the autoscaler chose.
            assertThat(workload.path("spec").has("replicas")).as("%s has replicas though an autoscaler owns the count", where(workload)).isFalse();
        }
    }

    @Test
    void shouldCapTheTopologyAtItsPartitionsAndKeepOneSink() {
        final int partitions = launch(workload("topology"), 0).accepted().getInt(StatsTopologyConfig.PARTITIONS);
        assertThat(autoscalerOf("topology")).as("the topology's autoscaler").isPresent();
        assertThat(autoscalerOf("topology").get().path("spec").path("maxReplicas").asInt())
                .as("the topology's most instances: more than raw-lines' partitions would idle").isBetween(1, partitions);
        assertThat(autoscalerOf("bridge")).as("the bridge's autoscaler").isPresent();

        final JsonNode sink = workload("sink");
        assertThat(sink.path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(sink.path("spec").path("replicas").asInt()).as("sinks: SQLite has one writer").isEqualTo(1);
        assertThat(autoscalerOf("sink")).as("an autoscaler of the sink").isEmpty();
    }

    @Test
    void shouldKeepStateAndDatabaseOnVolumeClaimsOfStatefulSetsWithHeadlessServices() {
        for (final String command : List.of("topology", "sink")) {
            final JsonNode workload = workload(command);
            assertThat(workload.path("kind").asText()).as(command).isEqualTo("StatefulSet");
            final JsonNode service = object(base, "Service", workload.path("spec").path("serviceName").asText());
            assertThat(service.path("spec").path("clusterIP").asText()).as("%s: its Service is headless", where(workload)).isEqualTo("None");
            assertThat(selects(service.path("spec").path("selector"), workload)).as("%s: its Service selects it", where(workload)).isTrue();
        }
        assertThat(object(base, "Service", "streamavg-topology").path("spec").path("publishNotReadyAddresses").asBoolean())
                .as("a starting or restoring topology instance is found at its name (it answers 503 itself)").isTrue();

        final AbstractConfig topology = launch(workload("topology"), 0).accepted();
        assertThat(claimedVolumeAt(workload("topology"), Path.of(topology.getString(StatsTopologyConfig.STATE_DIR))))
                .as("the topology's --state-dir is on a volume claim").isPresent();
        final AbstractConfig sink = launch(workload("sink"), 0).accepted();
        assertThat(claimedVolumeAt(workload("sink"), Path.of(sink.getString(SinkConfig.DB)).getParent()))
                .as("the folder of the sink's --db (SQLite adds its -wal and -shm files beside it) is on a volume claim").isPresent();
    }

    @Test
    void shouldGiveEachTopologyInstanceItsStableNameAndStaticMembership() {
        final JsonNode workload = workload("topology");
        final String service = workload.path("spec").path("serviceName").asText();
        final Set<String> members = new HashSet<>();
        for (final int ordinal : new int[] {0, 1}) {
            final ServiceLaunch launch = launch(workload, ordinal);
            final int http = launch.accepted().getInt(HttpEndpoints.HTTP_PORT);
            final Properties streams = new StatsTopologyConfig(launch.settings()).streamsProperties();
            final String pod = podName(workload, ordinal);

            assertThat(streams.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).as("application.server of %s", pod)
                    .isEqualTo(pod + "." + service + "." + NAMESPACE + ".svc:" + http);
            // What Kafka Streams gives its consumers, from the settings the topology hands it.
            final StreamsConfig config = new StreamsConfig(streams);
            final Object member = config.getMainConsumerConfigs("streamavg", pod + "-client", 0).get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            assertThat(member).as("group.instance.id of %s's main consumer", pod).asString().startsWith(pod);
            members.add(String.valueOf(member));
            assertThat(config.getRestoreConsumerConfigs(pod + "-client")).as("the restore consumer is in no group")
                    .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        }
        assertThat(members).as("static members of two pods").hasSize(2);
    }

    @Test
    void shouldRunEveryPodAsTheImagesUserWithLimitsAndTimeForACleanStop() {
        final Matcher user = DOCKERFILE_USER.matcher(Repository.read("docker/Dockerfile"));
        assertThat(user.find()).as("docker/Dockerfile sets a numeric USER").isTrue();
        for (final JsonNode workload : workloads()) {
            final String where = where(workload);
            final JsonNode pod = workload.path("spec").path("template").path("spec");
            final JsonNode security = pod.path("securityContext");
            assertThat(security.path("runAsNonRoot").asBoolean()).as("%s: runAsNonRoot", where).isTrue();
            assertThat(security.path("runAsUser").asText()).as("%s: runAsUser, the image's user", where).isEqualTo(user.group(1));
            assertThat(security.has("fsGroup")).as("%s: fsGroup, so that its volumes are writable", where).isTrue();
            // Service links would add variables such as STREAMAVG_BRIDGE_PORT=tcp://…, which every
            // command refuses as an option it does not have.
            assertThat(pod.path("enableServiceLinks").asBoolean(true)).as("%s: enableServiceLinks", where).isFalse();
            assertThat(pod.path("terminationGracePeriodSeconds").asLong(30))
                    .as("%s: grace period beyond the clean stop (%s for the service's own close, and the bridge's connections before it)",
                            where, ServiceRunner.CLOSE_TIMEOUT)
                    .isGreaterThan(2 * ServiceRunner.CLOSE_TIMEOUT.toSeconds());

            final JsonNode container = container(workload);
            final JsonNode containerSecurity = container.path("securityContext");
            assertThat(containerSecurity.path("allowPrivilegeEscalation").asBoolean(true)).as("%s: allowPrivilegeEscalation", where).isFalse();
            assertThat(containerSecurity.path("readOnlyRootFilesystem").asBoolean()).as("%s: readOnlyRootFilesystem", where).isTrue();
            assertThat(containerSecurity.path("capabilities").path("drop").toString()).as("%s: capabilities dropped", where).contains("\"ALL\"");
            // RocksDB and sqlite-jdbc unpack their native libraries into java.io.tmpdir.
            assertThat(mountAt(workload, Path.of("/tmp"))).as("%s: a writable /tmp", where).isPresent();
            for (final String kind : List.of("requests", "limits")) {
                for (final String resource : List.of("cpu", "memory")) {
                    assertThat(container.path("resources").path(kind).path(resource).asText())
                            .as("%s: resources.%s.%s", where, kind, resource).isNotEmpty();
                }
            }
        }
    }

    @Test
    void shouldRunTheProjectsImageWithConsistentLabels() {
        for (final JsonNode workload : workloads()) {
            assertThat(container(workload).path("image").asText()).as("%s: image", where(workload)).isEqualTo("streamavg:" + Version.current());
            assertThat(container(workload).has("command")).as("%s: runs the image's entry point", where(workload)).isFalse();
        }
        for (final JsonNode object : base) {
            assertThat(object.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText())
                    .as("part-of label of %s %s", object.path("kind").asText(), object.path("metadata").path("name").asText()).isEqualTo("streamavg");
        }
    }

    @Test
    void shouldDeclareInTheStrimziOverlayTheTopicsTheServicesExpect() {
        final int partitions = launch(workload("topology"), 0).accepted().getInt(StatsTopologyConfig.PARTITIONS);
        final Map<String, JsonNode> declared = new TreeMap<>();
        for (final JsonNode topic : objects(strimzi, "KafkaTopic")) {
            assertThat(topic.path("apiVersion").asText()).as("the API of Strimzi 1.x").isEqualTo("kafka.strimzi.io/v1");
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).as("the Kafka cluster of the topic").isNotEmpty();
            final String name = topic.path("spec").path("topicName").asText(topic.path("metadata").path("name").asText());
            declared.put(name, topic.path("spec"));
        }
        final List<NewTopic> expected = Topics.definitions(partitions);
        assertThat(declared.keySet()).as("topics of the overlay").containsExactlyInAnyOrderElementsOf(expected.stream().map(NewTopic::name).toList());
        for (final NewTopic topic : expected) {
            final JsonNode spec = declared.get(topic.name());
            assertThat(spec.path("partitions").asInt()).as("partitions of %s", topic.name()).isEqualTo(topic.numPartitions());
            final Map<String, String> config = new TreeMap<>();
            spec.path("config").fields().forEachRemaining(entry -> config.put(entry.getKey(), entry.getValue().asText()));
            assertThat(config).as("config of %s", topic.name()).isEqualTo(new TreeMap<>(topic.configs() == null ? Map.of() : topic.configs()));
        }
        assertThat(autoscalerOf("topology").orElseThrow().path("spec").path("maxReplicas").asInt())
                .as("the topology's most instances").isLessThanOrEqualTo(declared.get(Topics.RAW_LINES).path("partitions").asInt());

        final List<JsonNode> rest = new ArrayList<>(strimzi);
        rest.removeIf(object -> object.path("kind").asText().equals("KafkaTopic"));
        assertThat(rest).as("the overlay's other objects: the base's, unchanged").containsExactlyInAnyOrderElementsOf(base);
    }

    // The rendered objects.

    private static List<JsonNode> objects(final List<JsonNode> rendered, final String kind) {
        return rendered.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode object(final List<JsonNode> rendered, final String kind, final String name) {
        return Pods.object(rendered, kind, name);
    }

    private static List<JsonNode> workloads() {
        final List<JsonNode> workloads = new ArrayList<>(objects(base, "Deployment"));
        workloads.addAll(objects(base, "StatefulSet"));
        return workloads;
    }

    private static JsonNode workload(final String command) {
        return workloads().stream().filter(workload -> command(workload).equals(command)).findFirst()
                .orElseThrow(() -> new AssertionError("no workload runs " + command));
    }

    private static Optional<JsonNode> autoscalerOf(final String command) {
        final JsonNode workload = workload(command);
        return objects(base, "HorizontalPodAutoscaler").stream()
                .filter(autoscaler -> autoscaler.path("spec").path("scaleTargetRef").path("kind").asText().equals(workload.path("kind").asText())
                        && autoscaler.path("spec").path("scaleTargetRef").path("name").asText().equals(workload.path("metadata").path("name").asText()))
                .findFirst();
    }

    private static String where(final JsonNode workload) {
        return Pods.where(workload);
    }

    private static JsonNode container(final JsonNode workload) {
        return Pods.container(workload);
    }

    private static String command(final JsonNode workload) {
        return Pods.command(workload);
    }

    private static boolean selects(final JsonNode selector, final JsonNode workload) {
        final JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
        if (selector.isEmpty()) {
            return false;
        }
        final boolean[] all = {true};
        selector.fields().forEachRemaining(entry -> all[0] &= labels.path(entry.getKey()).asText().equals(entry.getValue().asText()));
        return all[0];
    }

    private static List<JsonNode> selectedBy(final JsonNode selector) {
        return workloads().stream().filter(workload -> selects(selector, workload)).toList();
    }

    private static Map<String, Integer> ports(final JsonNode container) {
        final Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(port -> ports.put(port.path("name").asText(), port.path("containerPort").asInt()));
        return ports;
    }

    private static Optional<Integer> targetPort(final JsonNode port, final Map<String, Integer> ports) {
        return port.isInt() ? Optional.of(port.asInt()).filter(ports::containsValue) : Optional.ofNullable(ports.get(port.asText()));
    }

    /** An HTTP probe as path:port. */
    private static String probe(final JsonNode container, final String probe, final Map<String, Integer> ports) {
        final JsonNode get = container.path(probe).path("httpGet");
        return get.path("path").asText() + ":" + targetPort(get.path("port"), ports).orElse(-1);
    }

    /** The volume mounted at {@code path} or above it. */
    private static Optional<JsonNode> mountAt(final JsonNode workload, final Path path) {
        final List<JsonNode> mounts = new ArrayList<>();
        container(workload).path("volumeMounts").forEach(mounts::add);
        return mounts.stream().filter(mount -> path.startsWith(Path.of(mount.path("mountPath").asText()))).findFirst();
    }

    private static Optional<JsonNode> claimedVolumeAt(final JsonNode workload, final Path path) {
        return mountAt(workload, path).filter(mount -> {
            final Set<String> claims = new HashSet<>();
            workload.path("spec").path("volumeClaimTemplates").forEach(claim -> claims.add(claim.path("metadata").path("name").asText()));
            return claims.contains(mount.path("name").asText());
        });
    }

    // A container's start, as the kubelet makes it.

    private static String podName(final JsonNode workload, final int ordinal) {
        return Pods.name(workload, ordinal);
    }

    private static ServiceLaunch launch(final JsonNode workload, final int ordinal) {
        return Pods.launch(base, exampleSecret, workload, ordinal, NAMESPACE);
    }
}
