package io.streamavg.topology;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The statistics' two operations: {@code add}, once per cell in a task's partials, and
 * {@code merge}, once per partial per commit when the totals take in a task's partials. One
 * operation is one value added, or one merge of two partials.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RunningStatsBenchmark {

    private static final int VALUES = 4096;

    private double[] values;
    private RunningStats[] partials;

    @Setup(Level.Trial)
    public void makeValues() {
        final SplittableRandom random = new SplittableRandom(1);
        values = new double[VALUES];
        partials = new RunningStats[VALUES];
        for (int i = 0; i < VALUES; i++) {
            values[i] = random.nextDouble(-1000, 1000);
            RunningStats partial = RunningStats.of(random.nextDouble(-1000, 1000));
            for (int j = random.nextInt(1, 50); j > 0; j--) {
                partial = partial.add(random.nextDouble(-1000, 1000));
            }
            partials[i] = partial;
        }
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public RunningStats add() {
        RunningStats stats = RunningStats.of(values[0]);
        for (int i = 1; i < VALUES; i++) {
            stats = stats.add(values[i]);
        }
        return stats;
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public RunningStats merge() {
        RunningStats stats = partials[0];
        for (int i = 1; i < VALUES; i++) {
            stats = stats.merge(partials[i]);
        }
        return stats;
    }
}
