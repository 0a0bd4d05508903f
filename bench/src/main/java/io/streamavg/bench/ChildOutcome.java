package io.streamavg.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * What a short-lived child of the pipeline bench (the load generator, Kafka's ProducerPerformance)
 * says of its run as it ends: its own CPU and peak memory, read from {@code /proc/self} before it
 * exits, since once it has exited the bench can no longer read them.
 *
 * @param startMicros  when the work began, microseconds since the epoch (comparable with the bench's clock)
 * @param endMicros    when the last line was on the wire (the load generator) or acknowledged (ProducerPerformance)
 * @param records      lines or records sent
 * @param ratePerSecond the child's own figure of its rate (ProducerPerformance's records/sec; the load
 *                     generator's lines / (end - start))
 * @param process      the child's CPU time and peak RSS at the end, from its launch
 */
record ChildOutcome(long startMicros, long endMicros, long records, double ratePerSecond, ProcessSample process) {

    /** Written to a temporary file first: the bench, waiting for the file, never reads half of it. */
    void writeTo(final Path file) throws IOException {
        final Properties properties = new Properties();
        properties.setProperty("start-micros", Long.toString(startMicros));
        properties.setProperty("end-micros", Long.toString(endMicros));
        properties.setProperty("records", Long.toString(records));
        properties.setProperty("rate", Double.toString(ratePerSecond));
        properties.setProperty("cpu-nanos", Long.toString(process.cpuNanos()));
        properties.setProperty("peak-rss-bytes", Long.toString(process.peakRssBytes()));
        properties.setProperty("rss-bytes", Long.toString(process.rssBytes()));
        properties.setProperty("run-queue-nanos", Long.toString(process.runQueueNanos()));
        properties.setProperty("compiler-nanos", Long.toString(process.compilerNanos()));
        final Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            properties.store(out, null);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    static ChildOutcome readFrom(final Path file) throws IOException {
        final Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return new ChildOutcome(Long.parseLong(properties.getProperty("start-micros")),
                Long.parseLong(properties.getProperty("end-micros")), Long.parseLong(properties.getProperty("records")),
                Double.parseDouble(properties.getProperty("rate")),
                new ProcessSample(Long.parseLong(properties.getProperty("cpu-nanos")),
                        Long.parseLong(properties.getProperty("peak-rss-bytes")), Long.parseLong(properties.getProperty("rss-bytes")),
                        Long.parseLong(properties.getProperty("run-queue-nanos")), Long.parseLong(properties.getProperty("compiler-nanos"))));
    }

    /** {@link System#nanoTime()} as microseconds since the epoch, through one reading of both clocks. */
    static long epochMicros(final long nanoTime) {
        return VariantProcess.nowMicros() - (System.nanoTime() - nanoTime) / 1_000;
    }
}
