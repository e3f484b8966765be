package io.quantwatch.detectors.sampling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Uniform load shedding by event-time period: each admission period keeps the prompts whose request-id
 * hash fractions are smallest (a bottom-k sample). Hashes are uniform and independent of tenant, task and
 * arrival time, so the kept prompts are a simple random sample of the period's offered prompts, and a
 * replay keeps the same ones. How many a period keeps is decided when it closes; until then at most
 * {@code maxHeld} per period are held, so memory stays bounded whatever the offered load.
 *
 * @param <T> the held item (a prompt)
 */
public final class PeriodSample<T> {
    /** One held item with its event time and hash fraction in [0, 1). */
    public record Held<T>(long timestamp, double fraction, T item) {}

    /** A closed period: its start and its items, smallest fraction first (keep a prefix, shed the rest). */
    public record Closed<T>(long start, List<Held<T>> byFraction) {}

    private static final Comparator<Held<?>> LARGEST_FIRST = Comparator.<Held<?>>comparingDouble(Held::fraction)
            .reversed()
            .thenComparing(Comparator.<Held<?>>comparingLong(Held::timestamp).reversed());

    private final long periodMillis;
    private final TreeMap<Long, PriorityQueue<Held<T>>> open = new TreeMap<>();
    private int size;

    public PeriodSample(long periodMillis) {
        if (periodMillis < 1) {
            throw new IllegalArgumentException("the admission period must be at least 1 ms, got " + periodMillis);
        }
        this.periodMillis = periodMillis;
    }

    /** The start of the period holding {@code timestamp} (periods are aligned to the epoch, like Flink's windows). */
    public long periodStart(long timestamp) {
        return Math.floorDiv(timestamp, periodMillis) * periodMillis;
    }

    /** True when the period of {@code timestamp} has closed at {@code watermark} (a late prompt). */
    public boolean closed(long timestamp, long watermark) {
        return periodStart(timestamp) + periodMillis - 1 <= watermark;
    }

    /**
     * Holds {@code item} for its period; when the period already holds {@code maxHeld} items, the one with
     * the largest fraction (possibly {@code item} itself) is pushed out and returned: it can never be kept.
     */
    public Optional<T> offer(long timestamp, double fraction, T item, int maxHeld) {
        PriorityQueue<Held<T>> period =
                open.computeIfAbsent(periodStart(timestamp), k -> new PriorityQueue<>(LARGEST_FIRST));
        period.add(new Held<>(timestamp, fraction, item));
        size++;
        if (period.size() <= Math.max(1, maxHeld)) {
            return Optional.empty();
        }
        size--;
        return Optional.of(period.poll().item());
    }

    /** Removes and returns every period that ends at or before {@code watermark} + 1, oldest first. */
    public List<Closed<T>> closeUpTo(long watermark) {
        List<Closed<T>> closed = new ArrayList<>();
        Iterator<Map.Entry<Long, PriorityQueue<Held<T>>>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, PriorityQueue<Held<T>>> e = it.next();
            if (e.getKey() + periodMillis - 1 > watermark) {
                break;
            }
            List<Held<T>> items = new ArrayList<>(e.getValue());
            items.sort(LARGEST_FIRST.reversed());
            size -= items.size();
            closed.add(new Closed<>(e.getKey(), items));
            it.remove();
        }
        return closed;
    }

    /** Everything held, for a checkpoint. */
    public List<Held<T>> held() {
        List<Held<T>> all = new ArrayList<>(size);
        open.values().forEach(all::addAll);
        return all;
    }

    /** Items held across all open periods. */
    public int size() {
        return size;
    }

    /** Open periods. */
    public int periods() {
        return open.size();
    }

    public long periodMillis() {
        return periodMillis;
    }
}
