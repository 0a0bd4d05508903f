package io.streamavg.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: the tests' only way to wait for asynchronous work. */
public final class Eventually {

    private static final long POLL_MILLIS = 50;

    private Eventually() {
    }

    /**
     * Evaluates {@code check} until it throws no {@link AssertionError}, then returns; when
     * {@code timeout} passes first, throws the last assertion error, so the failure says what was
     * expected and what was seen.
     */
    public static void assertWithin(final Duration timeout, final Runnable check) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("still failing after " + timeout + ": " + e.getMessage(), e);
                }
            }
            pause();
        }
    }

    /** Polls {@code value} until it is non-null, then returns it; fails naming {@code what} after {@code timeout}. */
    public static <T> T awaitValue(final Duration timeout, final String what, final Supplier<T> value) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final T result = value.get();
            if (result != null) {
                return result;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " did not happen within " + timeout);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS); // the interval between polls of a condition, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
