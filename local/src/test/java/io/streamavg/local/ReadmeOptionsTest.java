package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.cli.Streamavg;
import io.streamavg.runtime.CommandLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
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
        final Map<String, ConfigDef> commands = new LinkedHashMap<>();
        Streamavg.commands().values().forEach(command -> commands.put(command.name(), command.options()));
        final String expected = withTable(readme, CommandLine.markdownTable(commands));
        if (Boolean.getBoolean("streamavg.readme.update")) {
            Files.writeString(README, expected, StandardCharsets.UTF_8);
        }
        assertThat(readme).as("README.md option table (rerun with -Dstreamavg.readme.update=true to rewrite it)")
                .isEqualTo(expected);
    }

    private static String withTable(final String readme, final String table) {
        final String start = "<!-- options -->\n";
        final String end = "<!-- /options -->";
        final int from = readme.indexOf(start);
        final int to = readme.indexOf(end);
        assertThat(from).as("README marker %s", start.strip()).isNotNegative();
        assertThat(to).as("README marker %s", end).isGreaterThan(from);
        return readme.substring(0, from + start.length()) + table + readme.substring(to);
    }
}
