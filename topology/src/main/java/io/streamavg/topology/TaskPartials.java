package io.streamavg.topology;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;

/**
 * One task's statistics not yet forwarded: what {@link LineFolder} folds each line into and
 * forwards once per commit interval. Per tumbling window of the lines' timestamps, a vector of
 * partial statistics per column; beside them, the unwindowed vector, of lines whose window had
 * already closed (they count only in the cumulative statistics) and of partials taken over from
 * the store's first format. The cumulative partial of a column is the merge of all of them.
 * Columns are slots, numbered as this task first meets their names, so that a line's cells go to
 * array slots with no lookup by name.
 *
 * <p>The vectors are changed in place, one {@link StatsAccumulator} per column and window, and
 * written to the store whole only when the task commits ({@link PartialsStore}): exactly-once rests
 * on the store holding, at every commit, the partials of exactly the lines before the committed
 * offsets, and on a task that fails being rebuilt from the store, never from this object. A line is
 * folded in only once nothing can fail any more ({@link #fold}).
 *
 * <p>The binary form, version 3 (the store's first format, per-column {@link RunningStatsSerde}
 * values, is 1 or 2): the version byte, the task's stream time, the unwindowed vector, the count of
 * windows, and each window's start and vector. A vector is the count of its non-empty columns and
 * for each its name (length-prefixed UTF-8) and its {@link RunningStats} fields.
 */
final class TaskPartials {

    /** The one key of the task's state in the partials store; never a column's name in the store's first format. */
    static final String KEY = "task-partials";
    static final byte VERSION = 3;
    /** The stream time before any line. */
    static final long NO_TIME = Long.MIN_VALUE;
    private static final int STATS_BYTES = Long.BYTES + 6 * Double.BYTES;
    /** Past this many slots the table is rebuilt at the next flush, so that ever new column names cannot grow it forever. */
    private static final int MAX_SLOTS = 65_536;

    private final long windowSize;
    private final long grace;
    private final List<String> names = new ArrayList<>();
    private final List<byte[]> encodedNames = new ArrayList<>();
    private final Map<String, Integer> slotsByName = new HashMap<>();
    /** The slot of each cell position, for lines with positional names. */
    private int[] positional = new int[0];
    /** Changes whenever slots are renumbered, so that slot arrays kept elsewhere know they are stale. */
    private int generation;
    private StatsAccumulator[] unwindowed = new StatsAccumulator[0];
    private final TreeMap<Long, StatsAccumulator[]> windows = new TreeMap<>();
    /** The window the last line went to, and its vector: lines come in bursts of one window. */
    private long lastWindowStart = NO_TIME;
    private StatsAccumulator[] lastWindow;
    private long streamTime = NO_TIME;
    /** Whether anything changed since the last {@link #takeChanged()}. */
    private boolean changed;
    private ByteBuffer buffer = ByteBuffer.allocate(1024);

    /** A column's partial statistics in one window. */
    record WindowPartial(String column, long windowStart, RunningStats stats) {
    }

    TaskPartials(final long windowSize, final long grace) {
        this.windowSize = windowSize;
        this.grace = grace;
    }

    /** The slot of each of {@code cells} positions, named "0", "1", …; the array may be longer than asked. */
    int[] positionalSlots(final int cells) {
        if (positional.length < cells) {
            final int from = positional.length;
            positional = Arrays.copyOf(positional, Math.max(cells, 2 * from));
            for (int position = from; position < positional.length; position++) {
                positional[position] = slot(Integer.toString(position));
            }
        }
        return positional;
    }

    /** The slot of column {@code name}, made on first use. */
    int slot(final String name) {
        final Integer known = slotsByName.get(name);
        if (known != null) {
            return known;
        }
        final int slot = names.size();
        names.add(name);
        encodedNames.add(name.getBytes(StandardCharsets.UTF_8));
        slotsByName.put(name, slot);
        return slot;
    }

    int generation() {
        return generation;
    }

    /**
     * Adds {@code values}, of a line with record timestamp {@code timestamp}, to the vector of its
     * window (cell {@code i} to slot {@code slots[i]}, missing cells skipped). A line whose window
     * closed (its end plus the grace at or before the stream time) goes to the unwindowed vector:
     * then this returns true. Every allocation and lookup comes first, so that the line is folded
     * either whole or not at all.
     */
    boolean fold(final double[] values, final int[] slots, final long timestamp) {
        final long windowStart = windowStart(timestamp);
        final long time = Math.max(streamTime, timestamp);
        final boolean late = windowStart + windowSize + grace <= time;
        StatsAccumulator[] vector = late ? unwindowed : windowVector(windowStart);
        if (vector.length < names.size()) {
            vector = Arrays.copyOf(vector, names.size());
            if (late) {
                unwindowed = vector;
            } else {
                windows.put(windowStart, vector);
                lastWindow = vector;
            }
        }
        for (int cell = 0; cell < values.length; cell++) {
            if (!Double.isNaN(values[cell]) && vector[slots[cell]] == null) {
                vector[slots[cell]] = new StatsAccumulator();
            }
        }
        for (int cell = 0; cell < values.length; cell++) {
            final double value = values[cell];
            if (!Double.isNaN(value)) {
                vector[slots[cell]].add(value);
            }
        }
        streamTime = time;
        changed = true;
        return late;
    }

    private StatsAccumulator[] windowVector(final long windowStart) {
        if (windowStart != lastWindowStart || lastWindow == null) {
            StatsAccumulator[] vector = windows.get(windowStart);
            if (vector == null) {
                vector = new StatsAccumulator[names.size()];
                windows.put(windowStart, vector);
            }
            lastWindowStart = windowStart;
            lastWindow = vector;
        }
        return lastWindow;
    }

    /** The start of the window of {@code timestamp}. */
    long windowStart(final long timestamp) {
        return timestamp - Math.floorMod(timestamp, windowSize);
    }

    /** Whether anything changed since the last call: then the store must be written at the next commit. */
    boolean takeChanged() {
        final boolean was = changed;
        changed = false;
        return was;
    }

    /** Marks the state changed again: a write of it that failed. */
    void markChanged() {
        changed = true;
    }

    /** The binary form of this state. */
    byte[] encode() {
        int size = 1 + Long.BYTES + size(unwindowed) + Integer.BYTES;
        for (final StatsAccumulator[] window : windows.values()) {
            size += Long.BYTES + size(window);
        }
        if (buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(Math.max(size, 2 * buffer.capacity()));
        }
        final ByteBuffer out = buffer.clear();
        out.put(VERSION).putLong(streamTime);
        write(out, unwindowed);
        out.putInt(windows.size());
        for (final Map.Entry<Long, StatsAccumulator[]> window : windows.entrySet()) {
            out.putLong(window.getKey());
            write(out, window.getValue());
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private int size(final StatsAccumulator[] vector) {
        int size = Integer.BYTES;
        for (int slot = 0; slot < vector.length; slot++) {
            if (vector[slot] != null) {
                size += Integer.BYTES + encodedNames.get(slot).length + STATS_BYTES;
            }
        }
        return size;
    }

    private void write(final ByteBuffer out, final StatsAccumulator[] vector) {
        int entries = 0;
        for (final StatsAccumulator partial : vector) {
            entries += partial == null ? 0 : 1;
        }
        out.putInt(entries);
        for (int slot = 0; slot < vector.length; slot++) {
            if (vector[slot] != null) {
                final RunningStats partial = vector[slot].toStats();
                final byte[] name = encodedNames.get(slot);
                out.putInt(name.length).put(name)
                        .putLong(partial.count())
                        .putDouble(partial.sumHigh()).putDouble(partial.sumLow())
                        .putDouble(partial.m2High()).putDouble(partial.m2Low())
                        .putDouble(partial.min()).putDouble(partial.max());
            }
        }
    }

    /** Adds {@code partial} to column {@code name}'s unwindowed partial at once: for loading, before any line. */
    void mergeUnwindowed(final String name, final RunningStats partial) {
        unwindowed = merged(unwindowed, slot(name), partial);
        changed = true;
    }

    private StatsAccumulator[] merged(final StatsAccumulator[] vector, final int slot, final RunningStats partial) {
        final StatsAccumulator[] grown = vector.length > slot ? vector : Arrays.copyOf(vector, names.size());
        grown[slot] = StatsAccumulator.of(grown[slot] == null ? partial : grown[slot].toStats().merge(partial));
        return grown;
    }

    /** Loads a state in the binary form into this (empty) one. */
    void load(final byte[] encoded) {
        try {
            final ByteBuffer in = ByteBuffer.wrap(encoded);
            if (in.get() != VERSION) {
                throw new SerializationException("not a task's partial statistics of version " + VERSION + ": version " + encoded[0]);
            }
            streamTime = Math.max(streamTime, in.getLong());
            readVector(in, Long.MIN_VALUE);
            final int count = in.getInt();
            for (int window = 0; window < count; window++) {
                readVector(in, in.getLong());
            }
            if (in.hasRemaining()) {
                throw new SerializationException("a task's partial statistics with " + in.remaining() + " bytes too many");
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new SerializationException("a task's partial statistics cut short (" + encoded.length + " bytes)", e);
        }
    }

    /** Reads a vector into the window starting at {@code windowStart}, or the unwindowed one for {@code Long.MIN_VALUE}. */
    private void readVector(final ByteBuffer in, final long windowStart) {
        final int entries = in.getInt();
        for (int entry = 0; entry < entries; entry++) {
            final byte[] name = new byte[in.getInt()];
            in.get(name);
            final RunningStats partial = new RunningStats(in.getLong(), in.getDouble(), in.getDouble(), in.getDouble(),
                    in.getDouble(), in.getDouble(), in.getDouble());
            final int slot = slot(new String(name, StandardCharsets.UTF_8));
            if (windowStart == Long.MIN_VALUE) {
                unwindowed = merged(unwindowed, slot, partial);
            } else {
                windows.put(windowStart, merged(windows.getOrDefault(windowStart, new StatsAccumulator[0]), slot, partial));
            }
        }
    }

    long streamTime() {
        return streamTime;
    }

    /** Each column's cumulative partial, the merge of its unwindowed and window partials, in slot order. */
    Map<String, RunningStats> cumulative() {
        final RunningStats[] merged = new RunningStats[names.size()];
        for (int slot = 0; slot < unwindowed.length; slot++) {
            merged[slot] = unwindowed[slot] == null ? null : unwindowed[slot].toStats();
        }
        for (final StatsAccumulator[] window : windows.values()) {
            for (int slot = 0; slot < window.length; slot++) {
                if (window[slot] != null) {
                    merged[slot] = merged[slot] == null ? window[slot].toStats() : merged[slot].merge(window[slot].toStats());
                }
            }
        }
        final Map<String, RunningStats> byName = new LinkedHashMap<>();
        for (int slot = 0; slot < merged.length; slot++) {
            if (merged[slot] != null) {
                byName.put(names.get(slot), merged[slot]);
            }
        }
        return byName;
    }

    /** Each column's partial in each window, by window start. */
    List<WindowPartial> windowPartials() {
        final List<WindowPartial> partials = new ArrayList<>();
        windows.forEach((start, window) -> {
            for (int slot = 0; slot < window.length; slot++) {
                if (window[slot] != null) {
                    partials.add(new WindowPartial(names.get(slot), start, window[slot].toStats()));
                }
            }
        });
        return partials;
    }

    boolean isEmpty() {
        if (!windows.isEmpty()) {
            return false;
        }
        for (final StatsAccumulator partial : unwindowed) {
            if (partial != null) {
                return false;
            }
        }
        return true;
    }

    /** Empties the vectors after a flush, keeping the stream time; the slots stay, unless there are too many to keep. */
    void clear() {
        windows.clear();
        lastWindow = null;
        lastWindowStart = NO_TIME;
        unwindowed = new StatsAccumulator[0];
        changed = true;
        if (names.size() > MAX_SLOTS) {
            names.clear();
            encodedNames.clear();
            slotsByName.clear();
            positional = new int[0];
            generation++;
        }
    }
}
