package io.streamavg.bench;

import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.Version;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg bench BENCHMARK [options]}, the bench jar's entry point ({@code ./streamavg bench}
 * runs it): {@code topology}, {@code pipeline} or {@code bridge}.
 */
public final class Bench {

    private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
    private static final String USAGE = "streamavg bench topology [options]";
    private static final String PIPELINE_USAGE = "streamavg bench pipeline [options]";
    private static final String BRIDGE_USAGE = "streamavg bench bridge [options]";
    private static final String BRIDGE_SUMMARY = """
            Runs the broker (in this JVM, warmed up first), the bridge and the load generator (a JVM each) and measures lines per second \
            from --connections TCP connections into raw-lines, timed until raw-lines holds all --lines, without and with \
            --ack; then Kafka's ProducerPerformance sending as many of the same lines with the bridge's producer settings \
            to the same broker, the ceiling. Prints Markdown tables on standard output (progress goes to standard \
            error), and with --json the same figures.""";
    private static final String PIPELINE_SUMMARY = """
            Runs broker (in this JVM), bridge, topology and sink (a JVM each) on this machine and measures: the \
            throughput of --lines lines over --connections connections until SQLite counts them all; the send-to-SQLite \
            latency of marker lines under a steady --latency-rate; each part's CPU time and peak RSS; the same workload \
            through the textbook topology; and Kafka's ProducerPerformance on the same broker as the ceiling. Prints \
            Markdown tables on standard output (progress goes to standard error), and with --json the same figures.""";
    private static final String SUMMARY = """
            Preloads --lines lines into raw-lines, then times, each in child JVMs from launch until every column \
            counts every line: Kafka's ConsumerPerformance reading them, the textbook DSL topology, and the project's \
            topology on 1, 2 and 4 stream threads and as 2 instances, all exactly_once_v2. Prints Markdown tables on \
            standard output (progress goes to standard error).""";

    private Bench() {
    }

    public static void main(final String[] args) {
        final int code = run(List.of(args), System.getenv(), System.out, System.err);
        System.exit(code);
    }

    static int run(final List<String> args, final Map<String, String> env, final PrintStream out, final PrintStream err) {
        if (!args.isEmpty() && args.get(0).equals("resources")) {
            return ResourcesBench.run(args.subList(1, args.size()), env, out, err);
        }
        if (!args.isEmpty() && List.of("--help", "-h", "help").contains(args.get(0))) {
            out.print(CommandLine.help(USAGE, SUMMARY, BenchConfig.DEFINITION));
            out.println();
            out.print(CommandLine.help(PIPELINE_USAGE, PIPELINE_SUMMARY, PipelineConfig.DEFINITION));
            out.println();
            out.print(CommandLine.help(BRIDGE_USAGE, BRIDGE_SUMMARY, BridgeBenchConfig.DEFINITION));
            out.println();
            out.print(CommandLine.help(SinkBench.USAGE, SinkBench.SUMMARY, SinkBenchConfig.DEFINITION));
            out.println();
            out.print(CommandLine.help(ResourcesBench.USAGE, ResourcesBench.SUMMARY, ResourcesConfig.DEFINITION));
            return 0;
        }
        if (!args.isEmpty() && args.get(0).equals("sink")) {
            return SinkBench.run(args.subList(1, args.size()), env, out, err);
        }
        if (args.isEmpty() || !List.of("topology", "pipeline", "bridge").contains(args.get(0))) {
            err.println(args.isEmpty() ? "streamavg bench: which benchmark? (topology, pipeline, bridge, sink or resources)"
                    : "streamavg bench: unknown benchmark '" + args.get(0) + "' (topology, pipeline, bridge, sink or resources)");
            err.print(CommandLine.help(USAGE, SUMMARY, BenchConfig.DEFINITION));
            return ServiceRunner.EXIT_BAD_OPTIONS;
        }
        final boolean pipeline = args.get(0).equals("pipeline");
        final boolean bridge = args.get(0).equals("bridge");
        final String name = "streamavg bench " + args.get(0);
        final ConfigDef definition = pipeline ? PipelineConfig.DEFINITION : bridge ? BridgeBenchConfig.DEFINITION : BenchConfig.DEFINITION;
        final List<String> options = args.subList(1, args.size());
        if (CommandLine.wantsHelp(options)) {
            out.print(pipeline ? CommandLine.help(PIPELINE_USAGE, PIPELINE_SUMMARY, definition)
                    : bridge ? CommandLine.help(BRIDGE_USAGE, BRIDGE_SUMMARY, definition) : CommandLine.help(USAGE, SUMMARY, definition));
            return 0;
        }
        if (options.contains("--version")) {
            out.println("streamavg " + Version.current());
            return 0;
        }
        final AbstractConfig config;
        try {
            final Map<String, String> settings = CommandLine.parse(definition, options, ownVariables(definition, env));
            config = pipeline ? new PipelineConfig(settings) : bridge ? new BridgeBenchConfig(settings) : new BenchConfig(settings);
        } catch (ConfigException e) {
            err.println("streamavg bench: " + CommandLine.explain(e, options, env));
            err.println("Run '" + name + " --help' for the options.");
            return ServiceRunner.EXIT_BAD_OPTIONS;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("streamavg-bench-");
            final String commandLine = name + (options.isEmpty() ? "" : " " + String.join(" ", options));
            if (config instanceof PipelineConfig pipelineConfig) {
                new PipelineBench(pipelineConfig, commandLine, out, work).run();
            } else if (config instanceof BridgeBenchConfig bridgeConfig) {
                new BridgeBench(bridgeConfig, commandLine, out, work).run();
            } else {
                new TopologyBench((BenchConfig) config, options, out, work).run();
            }
            TopologyBench.delete(work);
            return 0;
        } catch (Exception e) {
            LOG.debug("The bench failed", e);
            err.println("streamavg bench: " + e.getMessage() + (work == null ? "" : "\n(logs and state kept in " + work + ")"));
            return ServiceRunner.EXIT_FAILED;
        }
    }

    /**
     * Only the bench's own variables: the environment of someone who runs the services may well hold
     * theirs ({@code STREAMAVG_DB}), which are no mistake here. The load generator's too.
     */
    static Map<String, String> ownVariables(final ConfigDef definition, final Map<String, String> env) {
        final List<String> names = definition.names().stream().map(CommandLine::envName).toList();
        return env.entrySet().stream().filter(entry -> names.contains(entry.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
