package io.streamavg.topology;

import io.streamavg.wire.RejectReason;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The column names a line's {@code LineHeaders.COLUMNS} header gives, as pandas' {@code read_csv}
 * makes them of a header row: an empty name is {@code "Unnamed: i"} (i its position), and a name
 * already taken gets {@code .1}, {@code .2}, … ({@code a, a} is {@code a, a.1}). A cell beyond the
 * names is named by its position, like a line without the header. Or why the header cannot be used:
 * the line then goes to the dead-letter topic.
 *
 * @param names null when rejected
 */
record ColumnNames(String[] names, RejectReason reason, String problem) {

    static ColumnNames of(final List<String> given) {
        final String[] names = new String[given.size()];
        final Set<String> taken = new HashSet<>();
        final Map<String, Integer> suffixes = new HashMap<>();
        for (int position = 0; position < names.length; position++) {
            final String name = given.get(position).isEmpty() ? "Unnamed: " + position : given.get(position);
            String unique = name;
            while (!taken.add(unique)) {
                final int suffix = suffixes.merge(name, 1, Integer::sum);
                unique = name + "." + suffix;
            }
            names[position] = unique;
        }
        return new ColumnNames(names, null, null);
    }

    static ColumnNames rejected(final RejectReason reason, final String problem) {
        return new ColumnNames(null, reason, problem);
    }

    boolean isRejected() {
        return names == null;
    }
}
