package io.streamavg.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamavg.service.Readiness;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A service's HTTP endpoints, on the JDK's own server: {@code GET /health} answers 200 when the
 * service is ready and 503 with a JSON reason otherwise.
 */
public final class HttpEndpoints implements AutoCloseable {

    public static final String HTTP_PORT = "http-port";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoints(final HttpServer server, final ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Declares {@code --http-port} on a command's options. */
    public static ConfigDef define(final ConfigDef definition) {
        return definition.define(HTTP_PORT, ConfigDef.Type.INT, 8080, ConfigDef.Range.between(0, 65535),
                ConfigDef.Importance.MEDIUM, "HTTP port of GET /health (0 picks a free port).");
    }

    /** Binds {@code port} (0: any free port) on all interfaces and starts serving. */
    public static HttpEndpoints start(final int port, final Supplier<Readiness> readiness) throws IOException {
        final HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "streamavg-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/health", exchange -> health(exchange, readiness.get()));
        server.start();
        return new HttpEndpoints(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(final HttpExchange exchange, final Readiness readiness) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("error", "use GET"));
            return;
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", readiness.ready() ? "UP" : "DOWN");
        body.put("reason", readiness.reason());
        respond(exchange, readiness.ready() ? 200 : 503, body);
    }

    private static void respond(final HttpExchange exchange, final int status, final Object body) throws IOException {
        final byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
