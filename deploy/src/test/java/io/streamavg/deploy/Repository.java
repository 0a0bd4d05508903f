package io.streamavg.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** The files of the repository the tests read, from its root (set by the build). */
final class Repository {

    static final Path ROOT = Path.of(Objects.requireNonNull(System.getProperty("streamavg.root"),
            "the system property streamavg.root (the repository root, set by the root pom)"));

    private Repository() {
    }

    static Path path(final String relative) {
        return ROOT.resolve(relative);
    }

    static String read(final String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
