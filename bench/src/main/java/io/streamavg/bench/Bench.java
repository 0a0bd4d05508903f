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
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg bench BENCHMARK [options]}, the bench jar's entry point ({@code ./streamavg bench}
 * runs it). One benchmark so far: {@code topology}.
 */
public final class Bench {

    private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
    private static final String USAGE = "streamavg bench topology [options]";
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
        if (!args.isEmpty() && List.of("--help", "-h", "help").contains(args.get(0))) {
            out.print(CommandLine.help(USAGE, SUMMARY, BenchConfig.DEFINITION));
            return 0;
        }
        if (args.isEmpty() || !args.get(0).equals("topology")) {
            err.println(args.isEmpty() ? "streamavg bench: which benchmark? (one so far: topology)"
                    : "streamavg bench: unknown benchmark '" + args.get(0) + "' (one so far: topology)");
            err.print(CommandLine.help(USAGE, SUMMARY, BenchConfig.DEFINITION));
            return ServiceRunner.EXIT_BAD_OPTIONS;
        }
        final List<String> options = args.subList(1, args.size());
        if (CommandLine.wantsHelp(options)) {
            out.print(CommandLine.help(USAGE, SUMMARY, BenchConfig.DEFINITION));
            return 0;
        }
        if (options.contains("--version")) {
            out.println("streamavg " + Version.current());
            return 0;
        }
        final BenchConfig config;
        try {
            config = new BenchConfig(CommandLine.parse(BenchConfig.DEFINITION, options, ownVariables(env)));
        } catch (ConfigException e) {
            err.println("streamavg bench: " + CommandLine.explain(e, options, env));
            err.println("Run 'streamavg bench topology --help' for the options.");
            return ServiceRunner.EXIT_BAD_OPTIONS;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("streamavg-bench-");
            new TopologyBench(config, options, out, work).run();
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
     * theirs ({@code STREAMAVG_DB}), which are no mistake here.
     */
    private static Map<String, String> ownVariables(final Map<String, String> env) {
        final List<String> names = BenchConfig.DEFINITION.names().stream().map(CommandLine::envName).toList();
        return env.entrySet().stream().filter(entry -> names.contains(entry.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
