package io.streamavg.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The sink's meters ({@code streamavg_sink_*} at {@code /metrics}). */
final class SinkMeters {

    final Counter rowsUpserted;
    final Counter batches;
    final Timer batchDuration;
    final Counter recordsSkipped;

    SinkMeters(final MeterRegistry registry) {
        rowsUpserted = Counter.builder("streamavg.sink.rows.upserted")
                .description("Rows of the averages table inserted or updated").register(registry);
        batches = Counter.builder("streamavg.sink.batches")
                .description("Polled batches written, each in one SQLite transaction with its offsets").register(registry);
        batchDuration = Timer.builder("streamavg.sink.batch.duration")
                .description("Time to write one batch and its offsets, retries included").register(registry);
        recordsSkipped = Counter.builder("streamavg.sink.records.skipped")
                .description("Records that were not column statistics, or had no key: logged and stepped over").register(registry);
    }

    SqliteSink.Counters snapshot() {
        return new SqliteSink.Counters((long) batches.count(), (long) rowsUpserted.count(), (long) recordsSkipped.count());
    }
}
