package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.testkit.Eventually;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/live} and {@code /health/ready} of {@code streamavg local} through its whole life,
 * polled from the moment its HTTP port is known: live from the first answer on while the broker
 * starts and the topics are created, ready 503 with a reason until everything runs, then 200; after
 * SIGTERM, ready is never anything but 503 once the shutdown hook has flipped it, until the server
 * stops answering and the process exits.
 */
@Timeout(180)
class HealthLifecycleIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final String LIVE = "/health/live";
    private static final String READY = "/health/ready";

    @TempDir
    Path work;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One poll of one endpoint: its answer, or the I/O error it met (status -1). */
    private record Answer(String path, int status, String body, boolean afterSigterm) {

        @Override
        public String toString() {
            return (afterSigterm ? "after SIGTERM " : "") + path + " " + (status < 0 ? "error" : status) + " " + body;
        }
    }

    /** Thrown when nothing listens on the port (before the server starts, or after it stopped). */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void shouldReportLivenessAndReadinessAsDocumentedWhileLocalStartsRunsAndStops() throws Exception {
        final List<Answer> answers = new ArrayList<>();
        final int exitCode;
        try (LocalProcess local = LocalProcess.local(work, work.resolve("local.log"))) {
            // The runner logs the port as soon as the server listens, before the stack starts.
            final int port = local.httpPort();

            Eventually.assertWithin(START, () -> {
                assertThat(local.process().isAlive()).as("local running; its log:%n%s", local.log()).isTrue();
                final Answer live = pollUnlessRefused(port, LIVE, false, answers);
                final Answer ready = pollUnlessRefused(port, READY, false, answers);
                assertThat(live).as("live answered").isNotNull();
                assertThat(ready).as("ready answered").isNotNull();
                assertThat(ready.status()).as("ready").isEqualTo(200);
            });

            final List<Answer> starting = answers.stream().filter(answer -> answer.path().equals(LIVE)).toList();
            final List<Answer> readiness = answers.stream().filter(answer -> answer.path().equals(READY)).toList();
            assertThat(answers).as("no I/O errors but refused connections before SIGTERM").allSatisfy(answer ->
                    assertThat(answer.status()).isNotNegative());
            assertThat(starting).as("live from its first answer on, while the stack starts").isNotEmpty().allSatisfy(answer -> {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).contains("\"status\":\"UP\"", "\"reason\":\"ok\"");
            });
            assertThat(readiness.get(readiness.size() - 1).body()).contains("\"status\":\"UP\"", "\"reason\":\"ok\"");
            final List<Answer> notReady = readiness.subList(0, readiness.size() - 1);
            assertThat(notReady).as("ready before the stack runs: 503 with a reason, then 200").isNotEmpty().allSatisfy(answer -> {
                assertThat(answer.status()).isEqualTo(503);
                assertDownWithReason(answer);
            });
            System.out.printf("Start-up: %d live answers, all 200; ready reasons: %s%n", starting.size(),
                    notReady.stream().map(Answer::body).distinct().collect(Collectors.joining(" | ")));

            local.process().destroy(); // SIGTERM
            final long sigterm = System.nanoTime();
            final int before = answers.size();
            Eventually.assertWithin(STOP, () -> {
                try {
                    poll(port, READY, true, answers);
                    poll(port, LIVE, true, answers);
                } catch (Refused e) {
                    return; // the server has stopped listening
                }
                assertThat(local.process().isAlive()).as("still running after SIGTERM, answering on its HTTP port").isFalse();
            });
            final long remaining = STOP.toNanos() - (System.nanoTime() - sigterm);
            assertThat(local.process().waitFor(Math.max(0, remaining), TimeUnit.NANOSECONDS)).as("exited within %s of SIGTERM", STOP)
                    .isTrue();
            exitCode = local.process().exitValue();

            final List<Answer> stopping = answers.subList(before, answers.size());
            System.out.printf("After SIGTERM (%d ms to exit): %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm),
                    runs(stopping.stream().filter(answer -> answer.path().equals(READY)).toList()) + "; "
                            + runs(stopping.stream().filter(answer -> answer.path().equals(LIVE)).toList()));
            final List<Answer> readyWhileStopping = stopping.stream()
                    .filter(answer -> answer.path().equals(READY) && answer.status() >= 0).toList();
            assertThat(readyWhileStopping).as("ready after SIGTERM: 200 only until the shutdown hook flips it, then 503")
                    .allSatisfy(answer -> assertThat(answer.status()).isIn(200, 503));
            readyWhileStopping.stream().filter(answer -> answer.status() == 503).forEach(HealthLifecycleIT::assertDownWithReason);
            final int firstDown = indexOf(readyWhileStopping, 503, true);
            final int lastUp = indexOf(readyWhileStopping, 200, false);
            assertThat(firstDown).as("ready answered 503 while the stack closed (it closes before the HTTP server)")
                    .isNotNegative();
            assertThat(lastUp).as("no ready 200 after the first 503: %s", readyWhileStopping).isLessThan(firstDown);
            assertThat(stopping.stream().filter(answer -> answer.path().equals(LIVE) && answer.status() >= 0))
                    .as("live after SIGTERM answers 200 or 503").allSatisfy(answer -> assertThat(answer.status()).isIn(200, 503));
            assertThat(local.log()).contains("streamavg local stopped");
        }
        assertThat(exitCode).as("exit code after SIGTERM").isZero();
    }

    /** Polls, recording the answer; null when the connection is refused (the server is not listening yet). */
    private Answer pollUnlessRefused(final int port, final String path, final boolean afterSigterm, final List<Answer> answers) {
        try {
            return poll(port, path, afterSigterm, answers);
        } catch (Refused e) {
            return null;
        }
    }

    /**
     * {@code GET path} now, recorded in {@code answers}: its answer, or, for an I/O error other than
     * a refused connection (a connection the server closed while stopping, a timeout), a record
     * with status -1.
     */
    private Answer poll(final int port, final String path, final boolean afterSigterm, final List<Answer> answers) throws Refused {
        Answer answer;
        try {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            answer = new Answer(path, response.statusCode(), response.body(), afterSigterm);
        } catch (ConnectException e) {
            throw new Refused();
        } catch (IOException e) {
            answer = new Answer(path, -1, e.toString(), afterSigterm);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        answers.add(answer);
        return answer;
    }

    /** The answers as runs of equal ones: {@code 12 x /health/ready 503 {...}}. */
    private static String runs(final List<Answer> answers) {
        final List<String> runs = new ArrayList<>();
        String previous = null;
        int count = 0;
        for (final Answer answer : answers) {
            final String shown = answer.path() + " " + (answer.status() < 0 ? "error " : answer.status() + " ") + answer.body();
            if (shown.equals(previous)) {
                count++;
                continue;
            }
            if (previous != null) {
                runs.add(count + " x " + previous);
            }
            previous = shown;
            count = 1;
        }
        if (previous != null) {
            runs.add(count + " x " + previous);
        }
        return String.join(", ", runs);
    }

    private static void assertDownWithReason(final Answer answer) {
        assertThat(answer.body()).as("%s", answer).contains("\"status\":\"DOWN\"").containsPattern("\"reason\":\"[^\"]+\"")
                .doesNotContain("\"reason\":\"ok\"");
    }

    private static int indexOf(final List<Answer> answers, final int status, final boolean first) {
        int found = -1;
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).status() == status) {
                found = i;
                if (first) {
                    break;
                }
            }
        }
        return found;
    }
}
