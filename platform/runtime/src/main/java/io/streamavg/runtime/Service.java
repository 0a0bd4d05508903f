package io.streamavg.runtime;

import java.util.function.Consumer;

/**
 * A long-running part of streamavg (bridge, topology, sink, or all of them locally), started once
 * and closed once. It is built by its {@link ServiceCommand} with a {@link ServiceContext}, where
 * it registers its meters and HTTP routes; {@link ServiceRunner} wires it to a process.
 */
public interface Service extends AutoCloseable {

    /**
     * Starts the service; returns once it is running (not necessarily ready).
     *
     * @param onFatal called, once, if the service stops by itself because of an error it cannot
     *                recover from; the process should then exit non-zero
     * @throws StartupException for a problem the user can fix (a port in use, a path that cannot
     *                          be used): reported in one line, without a stack trace
     */
    void start(Consumer<Throwable> onFatal) throws Exception;

    /** Whether the service can do its work now: {@code GET /health/ready}. */
    Health readiness();

    /**
     * Whether the process is not wedged, so that an orchestrator should leave it running:
     * {@code GET /health/live}. Starting, restoring state or waiting for Kafka is live.
     */
    default Health liveness() {
        return Health.up();
    }

    /** Stops the service, finishing or handing back in-flight work; bounded in time. */
    @Override
    void close();
}
