package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.config.CommandLine;
import io.streamavg.service.ServiceCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's option tables are rendered from the commands' declarations; this test fails when
 * they drift. {@code -Dstreamavg.readme.update=true} rewrites them instead.
 */
class ReadmeOptionsTest {

    private static final Path README = Path.of(System.getProperty("streamavg.root", ".."), "README.md");

    @Test
    void shouldListEveryOptionOfEveryCommandWithItsDefault() throws IOException {
        final String readme = Files.readString(README, StandardCharsets.UTF_8);
        String expected = readme;
        for (final ServiceCommand command : Streamavg.COMMANDS.values()) {
            expected = withTable(expected, command.name(), CommandLine.markdownTable(command.options()));
        }
        if (Boolean.getBoolean("streamavg.readme.update")) {
            Files.writeString(README, expected, StandardCharsets.UTF_8);
        }
        assertThat(readme).as("README.md option tables (rerun with -Dstreamavg.readme.update=true to rewrite them)")
                .isEqualTo(expected);
    }

    private static String withTable(final String readme, final String command, final String table) {
        final String start = "<!-- options:" + command + " -->\n";
        final String end = "<!-- /options:" + command + " -->";
        final int from = readme.indexOf(start);
        final int to = readme.indexOf(end);
        assertThat(from).as("README marker %s", start.strip()).isNotNegative();
        assertThat(to).as("README marker %s", end).isGreaterThan(from);
        return readme.substring(0, from + start.length()) + table + readme.substring(to);
    }
}
