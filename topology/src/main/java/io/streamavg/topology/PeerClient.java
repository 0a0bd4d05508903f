package io.streamavg.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamavg.wire.ColumnStats;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the application, at its {@code application.server}, for statistics of
 * partitions it holds. The timeouts are short: an instance that does not answer at once turns the
 * query into a 503 to retry, rather than a request that hangs with it.
 */
final class PeerClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();

    /** The owner's answer about {@code column} in its {@code partition}, whatever it is (200, 404, 503), to pass on. */
    HttpResponse<byte[]> column(final HostInfo owner, final String column, final int partition) {
        return send(owner, "/averages/" + pathSegment(column) + "?" + AveragesRoutes.PARTITION + "=" + partition);
    }

    /** The owner's answer about {@code column}'s windows in its {@code partition}, whatever it is, to pass on. */
    HttpResponse<byte[]> windows(final HostInfo owner, final String column, final int partition, final Instant from, final Instant to) {
        return send(owner, "/windows/" + pathSegment(column) + "?" + AveragesRoutes.PARTITION + "=" + partition
                + "&" + AveragesRoutes.FROM + "=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8)
                + "&" + AveragesRoutes.TO + "=" + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> send(final HostInfo owner, final String pathAndQuery) {
        try {
            return http.send(request(owner, pathAndQuery), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw silent(owner, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw silent(owner, e);
        }
    }

    private static String pathSegment(final String column) {
        return URLEncoder.encode(column, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The statistics the owner holds in {@code partitions}; completes with a
     * {@link StatsUnavailableException} when it cannot give all of them (see {@link #await}).
     */
    CompletableFuture<List<ColumnStats>> partitions(final HostInfo owner, final Set<Integer> partitions) {
        final String listed = partitions.stream().map(String::valueOf).collect(Collectors.joining(","));
        return http.sendAsync(request(owner, "/averages?" + AveragesRoutes.PARTITIONS + "=" + listed), HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        throw silent(owner, error instanceof CompletionException ? error.getCause() : error);
                    }
                    if (response.statusCode() != 200) {
                        throw new StatsUnavailableException("instance " + endpoint(owner) + " cannot give partitions " + listed
                                + " now: " + reason(response));
                    }
                    try {
                        return List.of(JSON.readValue(response.body(), ColumnStats[].class));
                    } catch (IOException e) {
                        throw new StatsUnavailableException("instance " + endpoint(owner) + " answered what is not statistics: " + e.getMessage());
                    }
                });
    }

    /** Waits for {@link #partitions}, whose own timeout bounds the wait. */
    static List<ColumnStats> await(final CompletableFuture<List<ColumnStats>> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StatsUnavailableException unavailable) {
                throw unavailable;
            }
            throw e;
        }
    }

    private static HttpRequest request(final HostInfo owner, final String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://" + endpoint(owner) + pathAndQuery))
                .timeout(ANSWER_TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
    }

    /** {@code host:port}, an IPv6 literal in brackets, as in a URL and in {@code application.server}. */
    static String endpoint(final HostInfo host) {
        return (host.host().contains(":") ? "[" + host.host() + "]" : host.host()) + ":" + host.port();
    }

    private static String reason(final HttpResponse<byte[]> response) {
        try {
            return "HTTP " + response.statusCode() + ", " + JSON.readValue(response.body(), QueryError.class).error();
        } catch (IOException e) {
            return "HTTP " + response.statusCode();
        }
    }

    private static StatsUnavailableException silent(final HostInfo owner, final Throwable error) {
        return new StatsUnavailableException("instance " + endpoint(owner) + " did not answer: " + error);
    }
}
