package io.streamavg.wire;

/** JSON serde of {@link ColumnStats}, the values of {@link Topics#COLUMN_AVERAGES}. */
public final class ColumnStatsSerde extends JsonSerde<ColumnStats> {

    public ColumnStatsSerde() {
        super(ColumnStats.class, "column statistics");
    }
}
