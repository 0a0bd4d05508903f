package io.streamavg.service;

import io.streamavg.config.CommandLine;
import io.streamavg.http.HttpEndpoints;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every {@code main} does: read the options, build the service, serve its HTTP endpoints,
 * register the shutdown hook before starting, then wait until SIGTERM/Ctrl-C or a fatal error.
 */
public final class ServiceRunner {

    /** How long a service's {@link Service#close()} may take before it gives up waiting. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);
    private static final Pattern SECRET = Pattern.compile("password|secret|jaas|token|credential", Pattern.CASE_INSENSITIVE);

    private ServiceRunner() {
    }

    /** A service's {@code main}: runs {@code command} with the process's arguments and environment, and exits non-zero on failure. */
    public static void main(final ServiceCommand command, final String[] args) {
        final int code = run(command, List.of(args), System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs {@code command} until it is stopped; returns the process exit code. */
    public static int run(final ServiceCommand command, final List<String> args, final Map<String, String> env,
                          final PrintStream out, final PrintStream err) {
        final String usage = "streamavg " + command.name() + " [options]";
        if (CommandLine.wantsHelp(args)) {
            out.print(CommandLine.help(usage, command.summary(), command.options()));
            return 0;
        }
        final Service service;
        final int httpPort;
        try {
            final Map<String, String> settings = CommandLine.parse(command.options(), args, env);
            final AbstractConfig options = new AbstractConfig(command.options(), settings, false);
            httpPort = options.getInt(HttpEndpoints.HTTP_PORT);
            LOG.info("streamavg {} options: {}", command.name(), effectiveOptions(options));
            service = command.factory().apply(settings);
        } catch (ConfigException e) {
            err.println("streamavg " + command.name() + ": " + e.getMessage());
            err.println("Run 'streamavg " + command.name() + " --help' for the options.");
            return 2;
        }

        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final HttpEndpoints http;
        try {
            http = HttpEndpoints.start(httpPort, service::readiness);
        } catch (Exception e) {
            err.println("streamavg " + command.name() + ": cannot serve HTTP on port " + httpPort + ": " + e.getMessage());
            service.close();
            return 1;
        }
        LOG.info("streamavg {}: HTTP on port {} (GET /health)", command.name(), http.port());
        final Thread hook = new Thread(() -> {
            LOG.info("Stopping {}", command.name());
            service.close();
            http.close();
            stopped.countDown();
        }, "streamavg-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            service.start(error -> {
                fatal.compareAndSet(null, error);
                stopped.countDown();
            });
            LOG.info("streamavg {} started", command.name());
            stopped.await();
        } catch (Exception e) {
            fatal.compareAndSet(null, e);
        }
        if (fatal.get() != null) {
            LOG.error("streamavg {} failed", command.name(), fatal.get());
            final Throwable error = fatal.get();
            err.println("streamavg " + command.name() + ": " + (error.getMessage() != null ? error.getMessage() : error.toString()));
            // Exiting from the main thread runs the hook, which closes the service.
            return 1;
        }
        return 0;
    }

    /**
     * The options in force, for the log: declared ones with their values (Kafka's
     * {@code Password} type prints as {@code [hidden]}), and passed-through client settings with
     * the values of anything secret-looking masked.
     */
    static String effectiveOptions(final AbstractConfig options) {
        final Map<String, Object> shown = new TreeMap<>(options.values());
        options.originals().forEach((name, value) -> {
            if (!shown.containsKey(name)) {
                shown.put(name, SECRET.matcher(name).find() ? "[hidden]" : value);
            }
        });
        return shown.toString();
    }
}
