package io.streamavg.runtime;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a service is given to publish itself: the registry its meters go to (scraped at
 * {@code GET /metrics}) and the HTTP routes it may add beside the runner's own (which, from
 * {@link Service#start} on, also give the address they are served at).
 */
public record ServiceContext(MeterRegistry meters, HttpRoutes routes) {
}
