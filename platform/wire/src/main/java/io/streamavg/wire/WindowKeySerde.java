package io.streamavg.wire;

/** JSON serde of {@link WindowKey}, the keys of {@link Topics#WINDOW_AVERAGES}. */
public final class WindowKeySerde extends JsonSerde<WindowKey> {

    public WindowKeySerde() {
        super(WindowKey.class, "window key");
    }
}
