package io.quantwatch.job;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** A test sink that keeps what reaches it, with the wall-clock time it arrived, in this JVM (MiniCluster tests). */
final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Arrived<?>>> COLLECTED = new ConcurrentHashMap<>();

    /** One element and when it reached the sink. */
    record Arrived<T>(T value, long wallMillis) {}

    private final String name;

    CollectingSink(String name) {
        this.name = name;
        COLLECTED.put(name, new CopyOnWriteArrayList<>());
    }

    @SuppressWarnings("unchecked")
    static <T> List<Arrived<T>> arrived(String name) {
        return (List<Arrived<T>>) (List<?>) COLLECTED.getOrDefault(name, List.of());
    }

    static <T> List<T> values(String name) {
        return CollectingSink.<T>arrived(name).stream().map(Arrived::value).toList();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Arrived<?>> target = COLLECTED.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                target.add(new Arrived<>(element, System.currentTimeMillis()));
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
