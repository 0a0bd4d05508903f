package io.streamavg.topology;

/**
 * The statistics asked for cannot be given whole right now: this instance is not running, its
 * stores are moving or restoring, or an instance holding some of them did not answer. A 503 with
 * {@code Retry-After}: a rebalance ends, and a partial answer would look like a complete one.
 */
final class StatsUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StatsUnavailableException(final String reason) {
        // An answer to a client, not a bug: no stack trace to fill.
        super(reason, null, false, false);
    }
}
