package io.streamavg.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads a command's options from its {@link ConfigDef}: each declared key {@code some-option} is
 * the flag {@code --some-option} (or {@code --some-option=value}) and the environment variable
 * {@code STREAMAVG_SOME_OPTION}; a flag wins over the environment, and the declaration's default
 * comes last. For commands that connect to the user's Kafka (they declare
 * {@link KafkaClientSettings#KAFKA_CONFIG}), other {@code STREAMAVG_KAFKA_*} variables are Kafka
 * client settings passed through under the {@value KafkaClientSettings#PREFIX} prefix. Anything else starting with {@code --} or
 * {@code STREAMAVG_} is an error naming it.
 */
public final class CommandLine {

    public static final String ENV_PREFIX = "STREAMAVG_";
    /** Kafka's {@code ConfigException(name, value, message)} text. */
    private static final Pattern INVALID_VALUE = Pattern.compile("Invalid value (.*) for configuration ([a-z0-9-]+)(?:: (.*))?", Pattern.DOTALL);
    private static final Pattern MISSING = Pattern.compile("Missing required configuration \"([a-z0-9-]+)\" which has no default value\\.?");
    static final String KAFKA_ENV_PREFIX = ENV_PREFIX + "KAFKA_";

    private CommandLine() {
    }

    public static boolean wantsHelp(final List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /** The option's environment variable: {@code bootstrap-servers} ⇔ {@code STREAMAVG_BOOTSTRAP_SERVERS}. */
    public static String envName(final String option) {
        return ENV_PREFIX + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The raw settings for {@code definition}: declared options from {@code env} then {@code args},
     * plus Kafka pass-through settings under {@value KafkaClientSettings#PREFIX}. Values are
     * still text; {@link org.apache.kafka.common.config.AbstractConfig} parses and validates them.
     *
     * @throws ConfigException naming the first unknown flag or variable, or a flag without value
     */
    public static Map<String, String> parse(final ConfigDef definition, final List<String> args,
                                            final Map<String, String> env) {
        final Map<String, String> settings = new LinkedHashMap<>();
        final Map<String, String> byEnvName = new TreeMap<>();
        for (final String option : definition.names()) {
            byEnvName.put(envName(option), option);
        }
        for (final Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            final String name = variable.getKey();
            final String option = byEnvName.get(name);
            // A declared option wins over the pass-through prefix: STREAMAVG_KAFKA_CONFIG is --kafka-config.
            if (option != null) {
                settings.put(option, variable.getValue());
            } else if (name.startsWith(KAFKA_ENV_PREFIX) && takesKafkaSettings(definition)) {
                final String clientKey = name.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                settings.put(KafkaClientSettings.PREFIX + clientKey, variable.getValue());
            } else if (name.startsWith(ENV_PREFIX)) {
                throw new ConfigException("Unknown environment variable " + name + ": no option --"
                        + name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-')
                        + " here (see --help)");
            }
        }
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("Unexpected argument '" + arg + "': options are --name value (see --help)");
            }
            final int equals = arg.indexOf('=');
            final String option = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
            if (!definition.names().contains(option)) {
                throw new ConfigException("Unknown option --" + option + " (see --help)");
            }
            final String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException("Option --" + option + " needs a value");
            }
            settings.put(option, value);
        }
        return settings;
    }

    /**
     * The message of {@code error} with each option named as the user gave it: {@code --port} when
     * it came from a flag, {@code STREAMAVG_PORT} when from the environment, rather than Kafka's
     * "configuration port".
     */
    public static String explain(final ConfigException error, final List<String> args, final Map<String, String> env) {
        final String message = String.valueOf(error.getMessage());
        final Matcher invalid = INVALID_VALUE.matcher(message);
        if (invalid.matches()) {
            return "invalid value '" + invalid.group(1) + "' for " + source(invalid.group(2), args, env)
                    + (invalid.group(3) == null ? "" : ": " + invalid.group(3));
        }
        final Matcher missing = MISSING.matcher(message);
        if (missing.matches()) {
            return "missing " + source(missing.group(1), args, env) + " (or " + envName(missing.group(1)) + "): it has no default";
        }
        return message;
    }

    /** How the user gave {@code option}: the last flag wins, then the environment; a flag when neither. */
    static String source(final String option, final List<String> args, final Map<String, String> env) {
        final String flag = "--" + option;
        if (args.stream().anyMatch(arg -> arg.equals(flag) || arg.startsWith(flag + "="))) {
            return flag;
        }
        return env.containsKey(envName(option)) ? envName(option) : flag;
    }

    /** Whether the command connects to a Kafka cluster of the user's, and so takes client settings. */
    private static boolean takesKafkaSettings(final ConfigDef definition) {
        return definition.names().contains(KafkaClientSettings.KAFKA_CONFIG);
    }

    /** What {@code --help} prints: one entry per declared option, in declaration order. */
    public static String help(final String usage, final String summary, final ConfigDef definition) {
        final StringBuilder out = new StringBuilder();
        out.append("Usage: ").append(usage).append("\n\n").append(summary).append("\n\nOptions (each also read from its environment variable; a flag wins):\n");
        for (final ConfigDef.ConfigKey key : keys(definition)) {
            out.append(String.format(Locale.ROOT, "  --%-22s %s%n", key.name + " <" + valueHint(key) + ">", envName(key.name)));
            out.append("      ").append(key.documentation).append(" Default: ").append(defaultText(key)).append(".\n");
        }
        out.append("  --version                  Prints the version.\n");
        if (takesKafkaSettings(definition)) {
            out.append("\nKafka client settings pass through unchanged: --")
                    .append(KafkaClientSettings.KAFKA_CONFIG)
                    .append(" FILE, or STREAMAVG_KAFKA_<SETTING> (STREAMAVG_KAFKA_SECURITY_PROTOCOL=SSL ⇔ security.protocol=SSL).\n");
        }
        return out.toString();
    }

    /**
     * The README's option table, rendered from the commands' declarations: every option once, in
     * the order the commands declare them, with the commands that take it.
     *
     * @param commands each command's name and options, in the order to list them
     */
    public static String markdownTable(final Map<String, ConfigDef> commands) {
        final Map<String, ConfigDef.ConfigKey> options = new LinkedHashMap<>();
        // Per option, the commands that take it grouped by their default: one option may default
        // differently per command (--bind-address: loopback for local, every interface otherwise).
        final Map<String, Map<String, List<String>>> defaults = new LinkedHashMap<>();
        final Map<String, List<String>> takenBy = new LinkedHashMap<>();
        commands.forEach((command, definition) -> keys(definition).forEach(key -> {
            options.putIfAbsent(key.name, key);
            takenBy.computeIfAbsent(key.name, name -> new ArrayList<>()).add(command);
            defaults.computeIfAbsent(key.name, name -> new LinkedHashMap<>())
                    .computeIfAbsent(key.hasDefault() ? "`" + defaultText(key) + "`" : "required", text -> new ArrayList<>())
                    .add(command);
        }));
        final StringBuilder out = new StringBuilder("| option | environment variable | default | commands | meaning |\n|---|---|---|---|---|\n");
        options.values().forEach(key -> {
            final Map<String, List<String>> byDefault = defaults.get(key.name);
            final String defaultColumn = byDefault.size() == 1 ? byDefault.keySet().iterator().next()
                    : byDefault.entrySet().stream().map(entry -> entry.getKey() + " (" + String.join(", ", entry.getValue()) + ")")
                            .collect(Collectors.joining(", "));
            out.append("| `--").append(key.name).append("` | `").append(envName(key.name)).append("` | ")
                    .append(defaultColumn)
                    .append(" | ").append(String.join(", ", takenBy.get(key.name)))
                    .append(" | ").append(key.documentation.replace("|", "\\|")).append(" |\n");
        });
        return out.toString();
    }

    private static List<ConfigDef.ConfigKey> keys(final ConfigDef definition) {
        return new ArrayList<>(definition.configKeys().values());
    }

    private static String valueHint(final ConfigDef.ConfigKey key) {
        return switch (key.type) {
            case INT, LONG, SHORT -> "n";
            case DOUBLE -> "x";
            case BOOLEAN -> "true|false";
            default -> key.validator instanceof ConfigDef.ValidString
                    || key.validator instanceof ConfigDef.CaseInsensitiveValidString
                    ? key.validator.toString().replace("(case insensitive)", "").replaceAll("[\\[\\] ]", "").replace(',', '|')
                    : "text";
        };
    }

    private static String defaultText(final ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "none (required)";
        }
        if (key.defaultValue == null) {
            return "none";
        }
        final String text = ConfigDef.convertToString(key.defaultValue, key.type);
        return text.isEmpty() ? "none" : text;
    }
}
