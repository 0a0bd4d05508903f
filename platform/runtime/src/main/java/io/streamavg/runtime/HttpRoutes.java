package io.streamavg.runtime;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The HTTP routes of one process, gathered before its server starts: the runner's own (health,
 * metrics) and each service's. In {@code local} the parts share one set on one port, so a route
 * two parts both claim is refused at once rather than one silently hiding the other. Once the
 * server listens, they also tell where it is reached ({@link #address()}).
 */
public final class HttpRoutes {

    private final Set<String> claimed = new TreeSet<>();
    private final List<Consumer<JavalinConfig>> registrations = new ArrayList<>();
    private boolean applied;
    // The address the server was told to listen on, and the port it got; null until it listens.
    private volatile InetSocketAddress listening;

    /** {@code GET path}; Javalin's path syntax ({@code /averages/{column}}). */
    public HttpRoutes get(final String path, final Handler handler) {
        return add("GET " + path, config -> config.routes.get(path, handler));
    }

    /** A Server-Sent Events stream at {@code GET path}; the client stays open until either side closes it. */
    public HttpRoutes sse(final String path, final Consumer<SseClient> client) {
        return add("GET " + path, config -> config.routes.sse(path, client));
    }

    /** Serves the classpath folder {@code folder} (e.g. {@code /public}) under {@code urlPrefix}. */
    public HttpRoutes staticFiles(final String urlPrefix, final String folder) {
        return add("STATIC " + urlPrefix, config -> config.staticFiles.add(files -> {
            files.hostedPath = urlPrefix;
            files.directory = folder;
            files.location = Location.CLASSPATH;
        }));
    }

    /** Every route claimed so far, as {@code METHOD path}, sorted. */
    public synchronized List<String> claimed() {
        return List.copyOf(claimed);
    }

    /**
     * Where others reach the server of these routes: the host of {@code --bind-address}, or this
     * machine's host name when that is a wildcard ({@code 0.0.0.0}, {@code ::}), and the port the
     * server is bound to (the real one when {@code --http-port} is 0). The runner starts the server
     * before the service, so a service can read it in {@link Service#start}, to tell peers where it
     * answers; empty when no server serves these routes (a service built directly by a test).
     *
     * @throws UncheckedIOException when this machine's host name cannot be looked up
     */
    public Optional<InetSocketAddress> address() {
        final InetSocketAddress bound = listening;
        if (bound == null) {
            return Optional.empty();
        }
        try {
            final String host = InetAddress.getByName(bound.getHostString()).isAnyLocalAddress()
                    ? InetAddress.getLocalHost().getHostName() : bound.getHostString();
            return Optional.of(InetSocketAddress.createUnresolved(host, bound.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look up the host name of this machine, which serves HTTP on "
                    + bound.getHostString() + ":" + bound.getPort(), e);
        }
    }

    private synchronized HttpRoutes add(final String route, final Consumer<JavalinConfig> registration) {
        if (applied) {
            throw new IllegalStateException("cannot add " + route + ": the HTTP server has started");
        }
        if (!claimed.add(route)) {
            throw new IllegalStateException("the HTTP route " + route + " is claimed twice");
        }
        registrations.add(registration);
        return this;
    }

    synchronized void applyTo(final JavalinConfig config) {
        applied = true;
        registrations.forEach(registration -> registration.accept(config));
    }

    void listening(final String bindAddress, final int port) {
        listening = InetSocketAddress.createUnresolved(bindAddress, port);
    }
}
