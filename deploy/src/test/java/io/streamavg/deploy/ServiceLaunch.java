package io.streamavg.deploy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.cli.Streamavg;
import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.Service;
import io.streamavg.runtime.ServiceCommand;
import io.streamavg.runtime.ServiceContext;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * A service as a deployment starts it: the command the image is given and the environment the
 * container gets. {@link #accepted()} reads it exactly as the launcher does at start, so a variable
 * the command does not read, a bad value or an unknown Kafka setting fails here as it would stop
 * the container (exit 2).
 *
 * @param where the file and service or workload, for the messages
 */
record ServiceLaunch(String where, String command, Map<String, String> env) {

    /** The commands of the service-only distribution the image ships, by name. */
    static final Map<String, ServiceCommand> COMMANDS = Streamavg.commands();

    ServiceCommand serviceCommand() {
        final ServiceCommand found = COMMANDS.get(command);
        if (found == null) {
            throw new AssertionError(where + ": '" + command + "' is not a command of the image (" + COMMANDS.keySet() + ")");
        }
        return found;
    }

    /** The raw settings, as the launcher hands them to the command (pass-through settings included). */
    Map<String, String> settings() {
        try {
            return CommandLine.parse(serviceCommand().options(), List.of(), env);
        } catch (ConfigException e) {
            throw refused(e);
        }
    }

    /**
     * The options in force, after building the service as {@code streamavg COMMAND} does before
     * it starts: the command's own checks and the Kafka client settings' included.
     */
    AbstractConfig accepted() {
        final Map<String, String> settings = settings();
        try {
            final AbstractConfig options = new AbstractConfig(serviceCommand().options(), settings, false);
            final Service service = serviceCommand().create(settings, new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()));
            service.close();
            return options;
        } catch (ConfigException e) {
            throw refused(e);
        }
    }

    private AssertionError refused(final ConfigException e) {
        return new AssertionError(where + ": streamavg " + command + " refuses its environment, and would exit 2 at start: "
                + CommandLine.explain(e, List.of(), env), e);
    }
}
