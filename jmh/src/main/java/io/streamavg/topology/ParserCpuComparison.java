package io.streamavg.topology;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Two builds of the parser on the same lines, in one JVM, rounds alternating between them, timed
 * by the thread's CPU time: on a machine shared with other work, wall-clock throughput (JMH's)
 * swings by more than the difference measured, while the CPU time a thread spends on a round does
 * not count the time it waited for a core. Each build's {@code streamavg-topology} and
 * {@code streamavg-wire} jars, found in a directory given as an argument (a {@code lib/} next to
 * a built {@code streamavg-jmh.jar}, e.g. a copy kept from before a change), are loaded in a
 * class loader of their own with this jar's {@link ParserDriver}.
 *
 * <pre>java -cp jmh/target/streamavg-jmh.jar io.streamavg.topology.ParserCpuComparison OLD_LIB NEW_LIB [ROUNDS]</pre>
 *
 * Prints, per kind of line ({@link LineSets}) and build, the median over the rounds after the
 * first third (warm-up) of CPU nanoseconds per line, and from it lines and MB per CPU-second.
 */
public final class ParserCpuComparison {

    private static final int LINES = 4096;
    /** Passes over the lines per timed round: long enough for the CPU clock's resolution. */
    private static final int PASSES = 50;

    private ParserCpuComparison() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ParserCpuComparison OLD_LIB_DIR NEW_LIB_DIR [ROUNDS]");
            System.exit(2);
        }
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        final Path jmhJar = Path.of(ParserDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final List<String> builds = List.of(args[0], args[1]);
        final List<ToLongFunction<byte[][]>> drivers = new ArrayList<>();
        for (final String lib : builds) {
            drivers.add(driver(Path.of(lib), jmhJar));
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "%-7s %-6s %10s %14s %9s %12s%n", "kind", "build", "ns/line", "lines/CPU-s", "MB/CPU-s", "bytes/line");
        for (final String kind : LineSets.KINDS) {
            final byte[][] lines = LineSets.lines(kind, LINES);
            final double bytesPerLine = Arrays.stream(lines).mapToInt(line -> line.length).average().orElseThrow();
            final long[][] nanos = new long[drivers.size()][rounds];
            final long[] checksums = new long[drivers.size()];
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < drivers.size(); i++) {
                    final int build = round % 2 == 0 ? i : drivers.size() - 1 - i; // alternate who goes first
                    final long start = threads.getCurrentThreadCpuTime();
                    long checksum = 0;
                    for (int pass = 0; pass < PASSES; pass++) {
                        checksum += drivers.get(build).applyAsLong(lines);
                    }
                    nanos[build][round] = threads.getCurrentThreadCpuTime() - start;
                    checksums[build] = checksum;
                }
            }
            if (checksums[0] != checksums[1]) {
                throw new IllegalStateException(kind + ": the two builds read different values");
            }
            for (int build = 0; build < drivers.size(); build++) {
                final long[] measured = Arrays.copyOfRange(nanos[build], rounds / 3, rounds);
                Arrays.sort(measured);
                final double nsPerLine = measured[measured.length / 2] / (double) (PASSES * LINES);
                System.out.printf(Locale.ROOT, "%-7s %-6s %10.1f %,14.0f %9.0f %12.1f%n", kind, build == 0 ? "old" : "new",
                        nsPerLine, 1e9 / nsPerLine, bytesPerLine * 1e3 / nsPerLine, bytesPerLine);
            }
        }
    }

    private static ToLongFunction<byte[][]> driver(final Path lib, final Path jmhJar) throws Exception {
        final List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(lib)) {
            jars.filter(jar -> jar.getFileName().toString().matches("streamavg-(topology|wire)-.*\\.jar"))
                    .forEach(jar -> urls.add(url(jar)));
        }
        if (urls.size() != 2) {
            throw new IllegalArgumentException(lib + " should hold one streamavg-topology and one streamavg-wire jar: " + urls);
        }
        urls.add(url(jmhJar));
        // The platform loader as parent: the topology's classes come from this build's jars alone.
        final ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        @SuppressWarnings("unchecked")
        final ToLongFunction<byte[][]> driver = (ToLongFunction<byte[][]>) loader.loadClass(ParserDriver.class.getName())
                .getDeclaredConstructor().newInstance();
        return driver;
    }

    private static URL url(final Path path) {
        try {
            return path.toUri().toURL();
        } catch (final java.net.MalformedURLException e) {
            throw new IllegalArgumentException(path.toString(), e);
        }
    }
}
