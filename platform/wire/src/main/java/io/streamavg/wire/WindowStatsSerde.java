package io.streamavg.wire;

/** JSON serde of {@link WindowStats}, the values of {@link Topics#WINDOW_AVERAGES}. */
public final class WindowStatsSerde extends JsonSerde<WindowStats> {

    public WindowStatsSerde() {
        super(WindowStats.class, "window statistics");
    }
}
