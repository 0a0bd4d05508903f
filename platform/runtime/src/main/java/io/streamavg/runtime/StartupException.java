package io.streamavg.runtime;

/**
 * A problem found at start that the user can fix (a port in use, a folder in use or unusable): its
 * message names the option at fault and is all the console shows; the log keeps the cause.
 */
public final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StartupException(final String message, final Throwable cause) {
        super(message, cause);
    }

    public StartupException(final String message) {
        super(message);
    }
}
