package io.streamavg.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's {@code ProducerPerformance} as a child JVM of the pipeline bench: {@code
 * ProducerPerfProcess REPORT WARMUP_RECORDS [ProducerPerformance arguments]} calls it in this JVM,
 * first with {@code WARMUP_RECORDS} records untimed when that is not 0 (so that, like the
 * pipeline it is the ceiling of, it is timed warm), then as asked; checks from its own output that
 * it sent every record, and writes a {@link ChildOutcome} with its own rate and this JVM's CPU over
 * the timed call (peak memory since launch).
 */
public final class ProducerPerfProcess {

    static final String PRODUCER_PERFORMANCE = "org.apache.kafka.tools.ProducerPerformance";
    /** Its final line: {@code 2000000 records sent, 160000.5 records/sec (10.55 MB/sec), … 99.9th.} */
    private static final Pattern TOTAL = Pattern.compile("^(\\d+) records sent, ([0-9.]+) records/sec .* 99\\.9th\\.$", Pattern.MULTILINE);
    private static final String NUM_RECORDS = "--num-records";
    private static final String PRINT_METRICS = "--print-metrics";

    private ProducerPerfProcess() {
    }

    public static void main(final String[] args) throws Exception {
        final Path report = Path.of(args[0]);
        final long warmupRecords = Long.parseLong(args[1]);
        final String[] arguments = Arrays.copyOfRange(args, 2, args.length);
        final long wanted = Long.parseLong(arguments[List.of(arguments).indexOf(NUM_RECORDS) + 1]);
        if (warmupRecords > 0) {
            // Its metrics, when asked for, are the timed call's alone.
            final String[] warmup = Arrays.stream(arguments).filter(argument -> !PRINT_METRICS.equals(argument)).toArray(String[]::new);
            warmup[List.of(warmup).indexOf(NUM_RECORDS) + 1] = Long.toString(warmupRecords);
            check(run(warmup), warmupRecords);
        }
        final ProcessSample before = ProcessSample.ofSelf();
        final long start = VariantProcess.nowMicros();
        final Total total = check(run(arguments), wanted);
        final long end = VariantProcess.nowMicros();
        final ProcessSample spent = ProcessSample.ofSelf().since(before);
        new ChildOutcome(start, end, total.records(), total.perSecond(), spent).writeTo(report);
        System.exit(0);
    }

    /** One call of ProducerPerformance in this JVM, its output copied to ours; its totals. */
    private static Total run(final String[] arguments) throws Exception {
        final PrintStream original = System.out;
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new TeeOutputStream(original, copy), true, StandardCharsets.UTF_8));
        try {
            Class.forName(PRODUCER_PERFORMANCE).getMethod("main", String[].class).invoke(null, (Object) arguments);
        } finally {
            System.setOut(original);
        }
        return total(copy.toString(StandardCharsets.UTF_8));
    }

    private static Total check(final Total total, final long wanted) {
        if (total.records() != wanted) {
            throw new IllegalStateException("ProducerPerformance sent " + total.records() + " records of " + wanted);
        }
        return total;
    }

    record Total(long records, double perSecond) {
    }

    /** The totals line of ProducerPerformance's output. */
    static Total total(final String output) {
        final Matcher total = TOTAL.matcher(output);
        if (!total.find()) {
            throw new IllegalStateException("no totals line in ProducerPerformance's output: " + output);
        }
        return new Total(Long.parseLong(total.group(1)), Double.parseDouble(total.group(2)));
    }
}
