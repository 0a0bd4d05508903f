package io.streamavg.bench;

import java.util.Arrays;
import java.util.List;

/** What the bench runs on the preloaded lines, in the order it runs them. */
enum Variant {

    CONSUMER_PERFORMANCE("consumer-perf", "Kafka `ConsumerPerformance` (reads the lines, no processing)", Kind.CONSUMER_PERFORMANCE, 1, 1),
    TEXTBOOK("textbook", "textbook DSL topology, 1 thread", Kind.TEXTBOOK, 1, 1),
    THREADS_1("threads-1", "project topology, 1 thread", Kind.PROJECT, 1, 1),
    THREADS_2("threads-2", "project topology, 2 threads", Kind.PROJECT, 2, 1),
    THREADS_4("threads-4", "project topology, 4 threads", Kind.PROJECT, 4, 1),
    INSTANCES_2("instances-2", "project topology, 2 instances × 1 thread", Kind.PROJECT, 1, 2);

    /** What a child JVM runs. */
    enum Kind { PROJECT, TEXTBOOK, CONSUMER_PERFORMANCE }

    private final String id;
    private final String label;
    private final Kind kind;
    private final int threads;
    private final int instances;

    Variant(final String id, final String label, final Kind kind, final int threads, final int instances) {
        this.id = id;
        this.label = label;
        this.kind = kind;
        this.threads = threads;
        this.instances = instances;
    }

    /** The name in {@code --variants}, file names and application ids. */
    String id() {
        return id;
    }

    String label() {
        return label;
    }

    Kind kind() {
        return kind;
    }

    /** Stream threads per instance. */
    int threads() {
        return threads;
    }

    /** Child JVMs launched together, sharing one application id. */
    int instances() {
        return instances;
    }

    static List<String> ids() {
        return Arrays.stream(values()).map(Variant::id).toList();
    }

    static Variant byId(final String id) {
        return Arrays.stream(values()).filter(variant -> variant.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no variant " + id + ": one of " + ids()));
    }
}
