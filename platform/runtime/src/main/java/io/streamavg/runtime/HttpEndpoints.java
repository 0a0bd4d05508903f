package io.streamavg.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A process's HTTP server: Javalin on Jetty's thread pool (many concurrent requests and long-lived
 * event streams), serving the {@link HttpRoutes} gathered
 * before it starts, with JSON through Jackson.
 */
public final class HttpEndpoints implements AutoCloseable {

    public static final String HTTP_PORT = "http-port";
    public static final String BIND_ADDRESS = "bind-address";
    /** Where a standalone service listens by default: every interface, as a container needs. */
    public static final String ALL_INTERFACES = "0.0.0.0";
    /** Where a tool for one machine listens by default. */
    public static final String LOOPBACK = "127.0.0.1";

    // Instants as ISO-8601 text in UTC, as the wire's JSON writes them on the topics: without the
    // module, a route answering with an Instant (the topology's /windows) fails with a 500.
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final Javalin server;

    private HttpEndpoints(final Javalin server) {
        this.server = server;
    }

    /** Declares {@code --http-port} and {@code --bind-address} on a command's options. */
    public static ConfigDef define(final ConfigDef definition, final String defaultBindAddress) {
        return definition
                .define(HTTP_PORT, ConfigDef.Type.INT, 8080, ConfigDef.Range.between(0, 65535), ConfigDef.Importance.MEDIUM,
                        "HTTP port of /health/live, /health/ready, /metrics and the service's own routes (0 picks a free port).")
                .define(BIND_ADDRESS, ConfigDef.Type.STRING, defaultBindAddress, new ConfigDef.NonEmptyString(),
                        ConfigDef.Importance.MEDIUM,
                        "Address the HTTP server and the ingest port listen on: 0.0.0.0 for every interface, 127.0.0.1 for this machine only.");
    }

    /**
     * Serves {@code routes} on {@code host}:{@code port} (0: any free port).
     *
     * @throws StartupException naming {@code --http-port} or {@code --bind-address} when it cannot listen
     */
    public static HttpEndpoints start(final String host, final int port, final HttpRoutes routes) {
        final Javalin server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(JSON, false));
            routes.applyTo(config);
        });
        try {
            server.start(host, port);
        } catch (RuntimeException e) {
            server.stop();
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new StartupException("cannot serve HTTP on " + host + ":" + port + " (--" + HTTP_PORT + ", --" + BIND_ADDRESS
                    + "): " + cause.getMessage(), e);
        }
        routes.listening(host, server.port());
        return new HttpEndpoints(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
