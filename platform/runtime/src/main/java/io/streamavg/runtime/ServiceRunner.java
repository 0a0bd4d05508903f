package io.streamavg.runtime;

import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every command does: read the options, build the service with its {@link ServiceContext},
 * serve HTTP (health, metrics and the service's routes), register the shutdown hook before
 * starting, then wait until SIGTERM/Ctrl-C or a fatal error. Exit codes: 0 stopped, 1 failed
 * (at start or later), 2 bad options.
 */
public final class ServiceRunner {

    /** How long a service's {@link Service#close()} may take before it gives up waiting. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_OPTIONS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);
    private static final Pattern SECRET = Pattern.compile("password|secret|jaas|token|credential", Pattern.CASE_INSENSITIVE);

    private ServiceRunner() {
    }

    /** Runs {@code command} until it is stopped; returns the process exit code. */
    public static int run(final ServiceCommand command, final List<String> args, final Map<String, String> env,
                          final PrintStream out, final PrintStream err) {
        final String prefix = "streamavg " + command.name() + ": ";
        if (CommandLine.wantsHelp(args)) {
            out.print(CommandLine.help("streamavg " + command.name() + " [options]", command.summary(), command.options()));
            return 0;
        }
        if (args.contains("--version")) {
            out.println("streamavg " + Version.current());
            return 0;
        }
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final HttpRoutes routes = new HttpRoutes();
        final Service service;
        final AbstractConfig options;
        try {
            final Map<String, String> settings = CommandLine.parse(command.options(), args, env);
            options = new AbstractConfig(command.options(), settings, false);
            LOG.info("streamavg {} {} options: {}", command.name(), Version.current(), effectiveOptions(options));
            service = command.create(settings, new ServiceContext(meters, routes));
        } catch (ConfigException e) {
            err.println(prefix + CommandLine.explain(e, args, env));
            err.println("Run 'streamavg " + command.name() + " --help' for the options.");
            return EXIT_BAD_OPTIONS;
        }
        bindJvmMetrics(meters);
        serveHealthAndMetrics(routes, service, meters);

        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final HttpEndpoints http;
        try {
            http = HttpEndpoints.start(options.getString(HttpEndpoints.BIND_ADDRESS), options.getInt(HttpEndpoints.HTTP_PORT), routes);
        } catch (StartupException e) {
            LOG.debug("HTTP could not start", e);
            err.println(prefix + e.getMessage());
            service.close();
            return EXIT_FAILED;
        }
        LOG.info("streamavg {}: HTTP on port {} ({})", command.name(), http.port(), String.join(", ", routes.claimed()));
        final AtomicBoolean stopping = new AtomicBoolean();
        final CompletableFuture<Boolean> stoppedCleanly = new CompletableFuture<>();
        // Whoever comes second (the hook after a signal, a second Ctrl-C) waits for the first's
        // stop to end: returning at once would let the JVM halt in the middle of it.
        final BooleanSupplier stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return stoppedCleanly.join();
            }
            LOG.info("Stopping {}", command.name());
            boolean clean = false;
            try {
                service.close();
                clean = true;
            } catch (RuntimeException e) {
                LOG.error("Stopping {} failed", command.name(), e);
                fatal.compareAndSet(null, e);
            } finally {
                http.close();
                meters.close();
                stopped.countDown();
                stoppedCleanly.complete(clean);
            }
            return clean;
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop::getAsBoolean, "streamavg-shutdown"));
        exitAfterStopOnSignals(stop);
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
        final Throwable error = fatal.get();
        if (error == null) {
            return 0;
        }
        if (error instanceof StartupException) {
            // The user's to fix, and the line printed below says how: no stack trace, no second copy.
            LOG.debug("streamavg {} could not start", command.name(), error);
        } else {
            LOG.error("streamavg {} failed", command.name(), error);
        }
        err.println(prefix + (error.getMessage() != null ? error.getMessage() : error.toString()));
        // Exiting from the main thread runs the hook, which closes the service.
        return EXIT_FAILED;
    }

    /**
     * SIGTERM and Ctrl-C are how a service is meant to stop: exit code 0 once it has stopped
     * cleanly (1 if its close failed), not the JVM's own 143 and 130. The signal's thread stops the
     * service first; the shutdown hook then finds it stopped.
     */
    @SuppressWarnings("restriction")
    private static void exitAfterStopOnSignals(final BooleanSupplier stop) {
        for (final String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> System.exit(stop.getAsBoolean() ? 0 : EXIT_FAILED));
            } catch (IllegalArgumentException e) {
                // The JVM keeps this signal (-Xrs): its default, the hook alone, then applies.
                LOG.debug("SIG{} keeps the JVM's handling", name, e);
            }
        }
    }

    /**
     * {@code /health/live}, {@code /health/ready} and {@code /health} (= ready, as before the
     * orchestrator-style paths), 200 or 503 with a JSON reason; {@code /metrics} in Prometheus text.
     */
    private static void serveHealthAndMetrics(final HttpRoutes routes, final Service service, final PrometheusMeterRegistry meters) {
        routes.get("/health", ctx -> health(ctx, service::readiness))
                .get("/health/ready", ctx -> health(ctx, service::readiness))
                .get("/health/live", ctx -> health(ctx, service::liveness))
                .get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape()));
    }

    private static void health(final Context ctx, final Supplier<Health> check) {
        final Health health = check.get();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", health.ok() ? "UP" : "DOWN");
        body.put("reason", health.reason());
        ctx.status(health.ok() ? 200 : 503).json(body);
    }

    private static void bindJvmMetrics(final PrometheusMeterRegistry meters) {
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
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
