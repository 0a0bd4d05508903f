package io.streamavg.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** The sink's meters ({@code streamavg_sink_*} at {@code /metrics}). */
final class SinkMeters {

    final Counter rowsUpserted;
    final Counter rowsDeleted;
    final Counter batches;
    final DistributionSummary batchSize;
    final Timer batchDuration;
    final Counter recordsSkipped;
    /** 1 while batches are written, 0 while the database cannot be written (locked, read-only, full). */
    final AtomicInteger writable = new AtomicInteger(1);

    SinkMeters(final MeterRegistry registry) {
        rowsUpserted = Counter.builder("streamavg.sink.rows.upserted")
                .description("Rows of averages and window_averages inserted or updated").register(registry);
        rowsDeleted = Counter.builder("streamavg.sink.rows.deleted")
                .description("Rows deleted: by tombstones, and windows past --window-retention").register(registry);
        batches = Counter.builder("streamavg.sink.batches")
                .description("Polled batches written, each in one SQLite transaction with its offsets").register(registry);
        batchSize = DistributionSummary.builder("streamavg.sink.batch.records")
                .description("Records in one written batch").register(registry);
        batchDuration = Timer.builder("streamavg.sink.batch.duration")
                .description("Time to write one batch and its offsets, retries and waits included").register(registry);
        recordsSkipped = Counter.builder("streamavg.sink.records.skipped")
                .description("Records that were not statistics, or had no key: logged and stepped over").register(registry);
        Gauge.builder("streamavg.sink.database.writable", writable, AtomicInteger::get)
                .description("1 while the database takes writes, 0 while it is locked by another program, read-only or full")
                .register(registry);
    }

    SqliteSink.Counters snapshot() {
        return new SqliteSink.Counters((long) batches.count(), (long) (rowsUpserted.count() + rowsDeleted.count()),
                (long) recordsSkipped.count());
    }
}
