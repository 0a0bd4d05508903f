package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamavg.testkit.DataSet;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.LineClients;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through Debian's chromedriver
 * (no browser or driver is downloaded), against {@code streamavg local} run from the runnable jar
 * as users run it. Iris goes through the bridge; the page must show every column with pandas'
 * mean, the lines in and the dead letters from the metrics, every part healthy, and write nothing
 * to the console. The screenshot is left in {@code target/dashboard.png}.
 */
// Generous for a loaded machine: 93 s at a load average of 37 on 2 cores, most of it starting local
// and Chromium; starting local alone took over 120 s at a load of 60.
@Timeout(420)
class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A laptop's screen. */
    private static final Dimension WINDOW = new Dimension(1366, 880);
    /** A line the topology rejects (non-numeric), to see the dead-letter card move. */
    private static final String BAD_LINE = "5.1,oops,1.4,0.2";

    @TempDir
    Path work;

    @Test
    void shouldShowEveryColumnOfIrisWithPandasMeansLiveWithoutConsoleErrors() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: no " + CHROMIUM + " or " + CHROMEDRIVER + " (Debian's chromium and chromium-driver, which .ci/run "
                        + "installs when it can: apt-get install chromium chromium-driver)");
        final DataSet iris = DataSet.iris();
        final long started = System.nanoTime();
        try (LocalProcess local = LocalProcess.local(work, work.resolve("local.log"))) {
            local.awaitReady(START);
            phase(started, "local ready");
            final WebDriver browser = chromium();
            phase(started, "Chromium started");
            try {
                browser.get("http://127.0.0.1:" + local.httpPort() + "/");
                Eventually.assertWithin(WAIT, () -> assertThat(text(browser, By.id("averages-note"))).contains("No statistics yet"));
                phase(started, "page shown");

                final List<String> lines = new ArrayList<>(iris.lines());
                lines.add(BAD_LINE);
                LineClients.send(local.ingestPort(), lines, 4, 53);

                Eventually.assertWithin(WAIT, () -> assertTableShowsPandasMeans(browser, iris));
                phase(started, "iris in the table");
                assertTableEqualsTheApi(browser, local, iris);
                Eventually.assertWithin(WAIT, () -> {
                    assertThat(text(browser, By.id("lines-total"))).isEqualTo(String.valueOf(lines.size()));
                    assertThat(text(browser, By.id("dlq-total"))).isEqualTo("1");
                    assertThat(text(browser, By.cssSelector("#dlq-reasons li[data-reason='non-numeric']"))).startsWith("non-numeric: 1,");
                    assertThat(text(browser, By.id("overall"))).isEqualTo("ready");
                    for (final String part : List.of("bridge", "topology", "sink")) {
                        assertThat(text(browser, By.cssSelector("#services li[data-service='" + part + "']"))).isEqualTo(part + ": ready");
                    }
                });

                assertThat(windows(local, "0").statusCode()).as("GET /windows/0").isEqualTo(200);
                Eventually.assertWithin(WAIT, () -> assertThat(Integer.parseInt(attribute(browser, By.id("chart"), "data-points")))
                        .as("windows drawn in the chart").isPositive());
                assertThat(attribute(browser, By.id("chart"), "data-span")).as("seconds the chart's time axis spans").isEqualTo("3600");

                assertThat(consoleErrors(browser)).as("errors in the browser's console").isEmpty();
                phase(started, "all checked");
            } finally {
                screenshot(browser);
                browser.quit();
            }
        }
    }

    /** Chromium headless as root, with none of its background connections (this machine's network is closed). */
    private WebDriver chromium() throws Exception {
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(work.resolve("chromium")),
                "--window-size=" + WINDOW.getWidth() + "," + WINDOW.getHeight());
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        // The system driver, named explicitly: Selenium Manager would otherwise try to download one.
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile())
                .build();
        final ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(WINDOW);
        return driver;
    }

    /** Every column with pandas' count, and pandas' mean to the digits the table shows. */
    private static void assertTableShowsPandasMeans(final WebDriver browser, final DataSet data) {
        for (final Map.Entry<String, DataSet.Expected> column : data.columns().entrySet()) {
            final String row = "#averages tr[data-column='" + column.getKey() + "'] ";
            assertThat(text(browser, By.cssSelector(row + "td[data-field='count']"))).as("count of column %s", column.getKey())
                    .isEqualTo(String.valueOf(column.getValue().count()));
            final String shown = text(browser, By.cssSelector(row + "td[data-field='mean']"));
            final BigDecimal mean = new BigDecimal(shown);
            final BigDecimal pandas = new BigDecimal(column.getValue().mean());
            // Half a unit of the last digit shown, and the pipeline's own 1e-9 relative to pandas.
            final BigDecimal tolerance = mean.ulp().divide(BigDecimal.valueOf(2)).add(pandas.abs().multiply(new BigDecimal("1e-9")));
            assertThat(mean.subtract(pandas).abs()).as("mean of column %s shown as %s, pandas %s", column.getKey(), shown, pandas)
                    .isLessThanOrEqualTo(tolerance);
        }
        assertThat(browser.findElements(By.cssSelector("#averages tbody tr"))).hasSize(data.columns().size());
    }

    /** Each cell holds exactly the value the API gives for it. */
    private static void assertTableEqualsTheApi(final WebDriver browser, final LocalProcess local, final DataSet data) {
        try (ColumnStatsSerde serde = new ColumnStatsSerde()) {
            for (final String column : data.columns().keySet()) {
                final HttpResponse<String> answer = local.get("/averages/" + column);
                assertThat(answer.statusCode()).isEqualTo(200);
                final ColumnStats api = serde.deserialize("", answer.body().getBytes(StandardCharsets.UTF_8));
                final String row = "#averages tr[data-column='" + column + "'] ";
                final Map<String, Double> fields = Map.of("count", (double) api.count(), "mean", api.mean(), "min", api.min(),
                        "max", api.max(), "stddev", api.stddev());
                fields.forEach((field, value) -> assertThat(Double.parseDouble(
                        attribute(browser, By.cssSelector(row + "td[data-field='" + field + "']"), "data-value")))
                        .as("%s of column %s", field, column).isEqualTo(value));
            }
        }
    }

    private static HttpResponse<String> windows(final LocalProcess local, final String column) {
        final Instant to = Instant.now();
        return local.get("/windows/" + column + "?from=" + URLEncoder.encode(to.minus(Duration.ofHours(1)).toString(), StandardCharsets.UTF_8)
                + "&to=" + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8));
    }

    /**
     * SEVERE entries of the console: script errors, console.error, and failed requests. A column's
     * {@code /windows} answers 404 (with its JSON reason, shown by the page) until its first window
     * is merged, which may come a commit after its cumulative statistics; Chromium logs that answer
     * as a failed load, the only entry allowed.
     */
    private static List<String> consoleErrors(final WebDriver browser) {
        final List<String> errors = new ArrayList<>();
        for (final LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            System.out.println("console: " + entry);
            final boolean expected404 = entry.getMessage().contains("/windows/") && entry.getMessage().contains("404");
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !expected404) {
                errors.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        return errors;
    }

    private static String text(final WebDriver browser, final By element) {
        return read(() -> browser.findElement(element).getText());
    }

    private static String attribute(final WebDriver browser, final By element, final String name) {
        return read(() -> browser.findElement(element).getDomAttribute(name));
    }

    /** A page still being drawn is a condition not met yet, for {@link Eventually}. */
    private static String read(final Supplier<String> read) {
        try {
            return read.get();
        } catch (WebDriverException e) {
            throw new AssertionError(e.getMessage().lines().findFirst().orElse("not on the page"), e);
        }
    }

    private static void phase(final long started, final String what) {
        System.out.printf("%s after %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static void screenshot(final WebDriver browser) throws Exception {
        final Path taken = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(taken, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }
}
