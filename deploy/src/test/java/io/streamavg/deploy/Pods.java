package io.streamavg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pods of rendered workloads, and what their one container is started with, as the kubelet starts it. */
final class Pods {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private Pods() {
    }

    static String where(final JsonNode workload) {
        return workload.path("kind").asText() + " " + workload.path("metadata").path("name").asText();
    }

    static JsonNode object(final List<JsonNode> rendered, final String kind, final String name) {
        return rendered.stream()
                .filter(object -> object.path("kind").asText().equals(kind) && object.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the rendered manifests"));
    }

    static JsonNode container(final JsonNode workload) {
        final JsonNode containers = workload.path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).as("%s: containers", where(workload)).isEqualTo(1);
        return containers.get(0);
    }

    /** The streamavg command the container runs: its first argument to the image's entry point. */
    static String command(final JsonNode workload) {
        return container(workload).path("args").path(0).asText();
    }

    /** The name of pod {@code ordinal}: stable for a StatefulSet, of the usual shape for a Deployment. */
    static String name(final JsonNode workload, final int ordinal) {
        final String name = workload.path("metadata").path("name").asText();
        return workload.path("kind").asText().equals("StatefulSet") ? name + "-" + ordinal : name + "-6c4f9d7b8-x" + ordinal + "k2p";
    }

    /**
     * The container's command and environment: envFrom first, then env in order, each $(VAR)
     * expanded from what came before, as the kubelet does.
     *
     * @param secret the user's Secret as k8s/kafka-secret.example.yaml shows it
     */
    static ServiceLaunch launch(final List<JsonNode> rendered, final JsonNode secret, final JsonNode workload, final int ordinal,
                                final String namespace) {
        final JsonNode container = container(workload);
        final String pod = name(workload, ordinal);
        final Map<String, String> env = new LinkedHashMap<>();
        for (final JsonNode source : container.path("envFrom")) {
            if (source.has("configMapRef")) {
                object(rendered, "ConfigMap", source.path("configMapRef").path("name").asText()).path("data")
                        .fields().forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue().asText()));
            } else if (source.has("secretRef")) {
                assertThat(source.path("secretRef").path("name").asText()).as("%s: the Secret of k8s/kafka-secret.example.yaml", where(workload))
                        .isEqualTo(secret.path("metadata").path("name").asText());
                secret.path("stringData").fields().forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue().asText()));
            } else {
                throw new AssertionError(where(workload) + ": an envFrom source of unknown kind: " + source);
            }
        }
        for (final JsonNode variable : container.path("env")) {
            final String value;
            if (variable.has("value")) {
                value = expand(variable.path("value").asText(), env);
            } else {
                final String field = variable.path("valueFrom").path("fieldRef").path("fieldPath").asText();
                value = switch (field) {
                    case "metadata.name" -> pod;
                    case "metadata.namespace" -> namespace;
                    default -> throw new AssertionError(where(workload) + ": variable " + variable.path("name").asText()
                            + " from an unknown source: " + variable.path("valueFrom"));
                };
            }
            env.put(variable.path("name").asText(), value);
        }
        return new ServiceLaunch(where(workload) + " (pod " + pod + ")", command(workload), env);
    }

    private static String expand(final String value, final Map<String, String> defined) {
        final Matcher reference = REFERENCE.matcher(value);
        final StringBuilder out = new StringBuilder();
        while (reference.find()) {
            final String name = reference.group(1);
            assertThat(defined).as("$(%s) in '%s' refers to a variable defined before it", name, value).containsKey(name);
            reference.appendReplacement(out, Matcher.quoteReplacement(defined.get(name)));
        }
        reference.appendTail(out);
        return out.toString();
    }
}
