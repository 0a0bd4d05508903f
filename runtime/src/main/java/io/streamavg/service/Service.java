package io.streamavg.service;

import java.util.function.Consumer;

/**
 * A long-running part of streamavg (bridge, topology, sink, or all of them locally), started once
 * and closed once. {@link ServiceRunner} wires it to a process; tests and the local stack use it
 * directly.
 */
public interface Service extends AutoCloseable {

    /**
     * Starts the service; returns once it is running (not necessarily ready).
     *
     * @param onFatal called, once, if the service stops by itself because of an error it cannot
     *                recover from; the process should then exit non-zero
     */
    void start(Consumer<Throwable> onFatal) throws Exception;

    Readiness readiness();

    /** Stops the service, finishing or handing back in-flight work; bounded in time. */
    @Override
    void close();
}
