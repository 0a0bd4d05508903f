package io.streamavg.bench;

import java.io.IOException;

/**
 * How long the topology's stream threads took per commit, and how often they committed, as Kafka
 * Streams itself measures it ({@code commit-latency-avg}, {@code commit-latency-max},
 * {@code commit-rate}: each over its last two 30-second samples), read from the service's
 * {@code /metrics}. Under exactly-once a line's statistics wait for two commits (its folding task's,
 * then its merging task's), so this is a part of the latency the stage table can be read against.
 *
 * @param avgMillis the mean over the threads of their mean commit time
 * @param maxMillis the longest commit of any thread
 * @param perSecond commits a second, all threads together
 */
record StreamThreadCommits(double avgMillis, double maxMillis, double perSecond) {

    private static final String PREFIX = "kafka_stream_thread_commit_";

    static StreamThreadCommits read(final int httpPort) throws IOException, InterruptedException {
        return parse(ServiceMetrics.fetch(httpPort).text());
    }

    /** From the Prometheus text of a topology's /metrics; a thread that has not committed (NaN) counts for nothing. */
    static StreamThreadCommits parse(final String metrics) {
        double avgSum = 0;
        int avgThreads = 0;
        double max = 0;
        double rate = 0;
        for (final ServiceMetrics.Sample sample : new ServiceMetrics(metrics).samples(name -> name.startsWith(PREFIX))) {
            if (Double.isNaN(sample.value())) {
                continue;
            }
            switch (sample.name().substring(PREFIX.length())) {
                case "latency_avg" -> {
                    avgSum += sample.value();
                    avgThreads++;
                }
                case "latency_max" -> max = Math.max(max, sample.value());
                case "rate" -> rate += sample.value();
                default -> {
                    // commit_total: not read
                }
            }
        }
        if (avgThreads == 0) {
            throw new IllegalStateException("the topology's /metrics has no stream thread's commit latency");
        }
        return new StreamThreadCommits(avgSum / avgThreads, max, rate);
    }
}
