package io.streamavg.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalDouble;

/**
 * The same figures as the tables, as JSON for scripts: unrounded, in base units (seconds, bytes,
 * lines per second; latencies in milliseconds).
 */
final class PipelineJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PipelineJson() {
    }

    static String write(final PipelineResults results) {
        final ObjectNode root = MAPPER.createObjectNode();
        root.put("command", results.command());
        root.put("machine", results.machine());
        root.put("startedAt", results.startedAt());
        root.put("loadAverageAtEnd", results.loadAverageAtEnd());
        final ArrayNode runs = root.putArray("throughput");
        for (final PipelineResults.Throughput run : results.throughput()) {
            final ObjectNode node = runs.addObject();
            node.put("id", run.id());
            node.put("label", run.label());
            node.put("lines", run.lines());
            node.put("timedUntil", run.until());
            node.put("seconds", run.seconds());
            node.put("linesPerSecond", run.linesPerSecond());
            final OptionalDouble ratio = results.ratioToProducerPerf(run);
            if (ratio.isPresent()) {
                node.put("ratioToProducerPerformance", ratio.getAsDouble());
            } else {
                node.putNull("ratioToProducerPerformance");
            }
            final ObjectNode parts = node.putObject("parts");
            for (final PipelineResults.Part part : run.parts()) {
                final ObjectNode partNode = parts.putObject(part.name());
                partNode.put("cpuSeconds", part.cpuNanos() / 1e9);
                partNode.put("compilerCpuSeconds", part.compilerNanos() / 1e9);
                partNode.put("peakRssBytes", part.peakRssBytes());
                if (part.runQueueNanos() < 0) {
                    partNode.putNull("waitedForCoreSeconds");
                } else {
                    partNode.put("waitedForCoreSeconds", part.runQueueNanos() / 1e9);
                }
            }
        }
        results.latency().ifPresentOrElse(latency -> {
            final MarkerLatencies.Summary summary = latency.summary();
            final ObjectNode node = root.putObject("latency");
            node.put("targetLinesPerSecond", latency.targetRate());
            node.put("reachedLinesPerSecond", latency.reachedRate());
            node.put("windowSeconds", latency.windowSeconds());
            node.put("markers", summary.markers());
            node.put("markersDue", latency.markersDue());
            node.put("markersSent", latency.markersSent());
            node.put("markersSentLate", latency.markersDelayed());
            node.put("p50Millis", summary.p50Nanos() / 1e6);
            node.put("p99Millis", summary.p99Nanos() / 1e6);
            node.put("maxMillis", summary.maxNanos() / 1e6);
            node.put("commitIntervalMillis", latency.commitIntervalMillis());
            node.put("pollPeriodMillis", latency.pollPeriodNanos() / 1e6);
            node.put("warmupSeconds", latency.warmupSeconds());
            node.put("compilerCores", latency.compilerShare());
            latency.commits().ifPresent(commits -> {
                final ObjectNode commitNode = node.putObject("topologyCommits");
                commitNode.put("avgMillis", commits.avgMillis());
                commitNode.put("maxMillis", commits.maxMillis());
                commitNode.put("perSecond", commits.perSecond());
            });
            final ArrayNode stages = node.putArray("stages");
            for (final PipelineResults.StageLatency stage : latency.stages()) {
                final ObjectNode stageNode = stages.addObject();
                stageNode.put("visibleOn", stage.name());
                stageNode.put("markers", stage.latenciesNanos().size());
                stage.summary().ifPresent(stageSummary -> {
                    stageNode.put("p50Millis", stageSummary.p50Nanos() / 1e6);
                    stageNode.put("p99Millis", stageSummary.p99Nanos() / 1e6);
                    stageNode.put("maxMillis", stageSummary.maxNanos() / 1e6);
                });
            }
        }, () -> root.putNull("latency"));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot happen for a tree of numbers and strings", e);
        }
    }
}
