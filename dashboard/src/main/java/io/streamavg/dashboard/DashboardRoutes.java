package io.streamavg.dashboard;

import io.streamavg.runtime.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The live dashboard at {@code /}: static files from this jar, and the chart library from its
 * WebJar at {@code /vendor/uplot/}. The page reads only the queries the services already answer
 * ({@code /averages}, {@code /windows/{column}}, {@code /metrics}, {@code /health}), so it works
 * against any instance of a multi-instance topology.
 */
public final class DashboardRoutes {

    /** Where the page's own files are on the classpath. */
    static final String SITE = "/io/streamavg/dashboard/site";
    /** Where the page loads uPlot from; the WebJar's version stays out of the page. */
    static final String UPLOT_PATH = "/vendor/uplot";

    private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private DashboardRoutes() {
    }

    /** Adds the dashboard's files to {@code routes}. */
    public static void register(final HttpRoutes routes) {
        routes.staticFiles("/", SITE).staticFiles(UPLOT_PATH, uplotFolder());
    }

    /**
     * The WebJar's folder, whose path holds the version its jar was built with. Not its {@code dist}
     * folder: the jar has no entry for that one, and a folder without an entry is not found.
     */
    static String uplotFolder() {
        final Properties pom = new Properties();
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(UPLOT_POM)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's chart library (org.webjars.npm:uplot) is not on the classpath: "
                        + UPLOT_POM + " is missing");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + UPLOT_POM, e);
        }
        return "/META-INF/resources/webjars/uplot/" + pom.getProperty("version");
    }
}
