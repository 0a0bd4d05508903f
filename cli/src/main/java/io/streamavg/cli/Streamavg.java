package io.streamavg.cli;

import io.streamavg.runtime.ServiceCommand;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.Version;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The runnable jars' entry point: {@code streamavg COMMAND [options]}. The commands are those on
 * the classpath ({@link ServiceCommand} providers): bridge, topology and sink in the service-only
 * distribution, and {@code local} too in the full one.
 */
public final class Streamavg {

    /** The order of the usage text: the one-command stack first, then the pipeline's order. */
    private static final List<String> ORDER = List.of("local", "bridge", "topology", "sink");

    private Streamavg() {
    }

    public static void main(final String[] args) {
        final int code = run(List.of(args), System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(final List<String> args, final Map<String, String> env, final PrintStream out, final PrintStream err) {
        final Map<String, ServiceCommand> commands = commands();
        if (args.isEmpty() || List.of("--help", "-h", "help").contains(args.get(0))) {
            (args.isEmpty() ? err : out).print(usage(commands));
            return args.isEmpty() ? ServiceRunner.EXIT_BAD_OPTIONS : 0;
        }
        if (args.get(0).equals("--version")) {
            out.println("streamavg " + Version.current());
            return 0;
        }
        final ServiceCommand command = commands.get(args.get(0));
        if (command == null) {
            err.println("streamavg: unknown command '" + args.get(0) + "'");
            err.print(usage(commands));
            return ServiceRunner.EXIT_BAD_OPTIONS;
        }
        return ServiceRunner.run(command, args.subList(1, args.size()), env, out, err);
    }

    /** Every command on the classpath, by name, in usage order. */
    public static Map<String, ServiceCommand> commands() {
        final Map<String, ServiceCommand> commands = new LinkedHashMap<>();
        ServiceLoader.load(ServiceCommand.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt((ServiceCommand command) -> rank(command.name())).thenComparing(ServiceCommand::name))
                .forEach(command -> commands.put(command.name(), command));
        return commands;
    }

    private static int rank(final String name) {
        final int rank = ORDER.indexOf(name);
        return rank < 0 ? ORDER.size() : rank;
    }

    private static String usage(final Map<String, ServiceCommand> commands) {
        final StringBuilder usage = new StringBuilder("Usage: streamavg COMMAND [options]\n\nCommands:\n");
        commands.values().forEach(command -> usage.append(String.format("  %-9s %s%n", command.name(), command.summary())));
        usage.append("\nRun 'streamavg COMMAND --help' for a command's options, 'streamavg --version' for the version.\n");
        return usage.toString();
    }
}
