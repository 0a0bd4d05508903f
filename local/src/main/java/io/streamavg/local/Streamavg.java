package io.streamavg.local;

import io.streamavg.bridge.BridgeMain;
import io.streamavg.service.ServiceCommand;
import io.streamavg.service.ServiceRunner;
import io.streamavg.sink.SinkMain;
import io.streamavg.topology.TopologyMain;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The runnable jar's entry point: {@code streamavg COMMAND [options]}. */
public final class Streamavg {

    static final ServiceCommand LOCAL = new ServiceCommand("local",
            "Runs a real single-node Kafka broker in this process, creates the topics, then bridge, topology and sink: "
                    + "the whole pipeline from one command.",
            LocalConfig.DEFINITION, settings -> new LocalStack(new LocalConfig(settings)));

    static final Map<String, ServiceCommand> COMMANDS = commands();

    private Streamavg() {
    }

    public static void main(final String[] args) {
        final int code = run(List.of(args), System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(final List<String> args, final Map<String, String> env, final PrintStream out, final PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            (args.isEmpty() ? err : out).print(usage());
            return args.isEmpty() ? 2 : 0;
        }
        final ServiceCommand command = COMMANDS.get(args.get(0));
        if (command == null) {
            err.println("streamavg: unknown command '" + args.get(0) + "'");
            err.print(usage());
            return 2;
        }
        return ServiceRunner.run(command, args.subList(1, args.size()), env, out, err);
    }

    private static String usage() {
        final StringBuilder usage = new StringBuilder("Usage: streamavg COMMAND [options]\n\nCommands:\n");
        COMMANDS.values().forEach(command -> usage.append(String.format("  %-9s %s%n", command.name(), command.summary())));
        usage.append("\nRun 'streamavg COMMAND --help' for a command's options.\n");
        return usage.toString();
    }

    private static Map<String, ServiceCommand> commands() {
        final Map<String, ServiceCommand> commands = new LinkedHashMap<>();
        for (final ServiceCommand command : List.of(LOCAL, BridgeMain.COMMAND, TopologyMain.COMMAND, SinkMain.COMMAND)) {
            commands.put(command.name(), command);
        }
        return commands;
    }
}
