package io.quantwatch.detectors.window;

import java.io.Serializable;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which values of one window-key field (tenant, or task) keep their own windows, alert states and Prometheus series:
 * at most {@code limit} at a time, the busiest lately; every other value counts under {@link #OTHER}. Memory is
 * bounded whatever the number of distinct values: the holders, and a Space-Saving table of {@code 4 × limit}
 * challengers whose counts (like the holders') halve every {@code decayMillis}, so "busiest" means recent traffic.
 * A holder idle for {@code idleMillis} gives its place up; a busier challenger takes the least busy holder's place, at
 * most once per {@code decayMillis}, so one decay period (a window slide) sees at most {@code limit + 2} values.
 * Not thread-safe: one instance per operator.
 */
public final class KeyLabelBudget implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What folded values are called: a client cannot send it ({@link KeyLabel} refuses {@code ~}). */
    public static final String OTHER = "~other";

    /**
     * A challenger takes a place only with at least this many prompts lately that are surely its own, and more than
     * twice the least busy holder's: one-off names never churn the series, a quiet holder yields to a busy newcomer.
     */
    static final long TAKEOVER_MIN = 4;

    private static final class Count implements Serializable {
        private static final long serialVersionUID = 1L;
        long count;
        /** Of {@code count}, what a challenger inherited from the one it replaced (Space-Saving's overestimate). */
        long error;

        long lastSeen;

        Count(long count, long lastSeen) {
            this.count = count;
            this.lastSeen = lastSeen;
        }

        long guaranteed() {
            return count - error;
        }
    }

    private final int limit;
    private final long idleMillis;
    private final long decayMillis;
    private final Map<String, Count> holders = new HashMap<>();
    private final Map<String, Count> challengers = new HashMap<>();
    private long nextDecay = Long.MIN_VALUE;
    private long lastTakeover = Long.MIN_VALUE;

    public KeyLabelBudget(int limit, long idleMillis, long decayMillis) {
        if (limit < 0 || idleMillis <= 0 || decayMillis <= 0) {
            throw new IllegalArgumentException("limit >= 0 and positive durations needed");
        }
        this.limit = limit;
        this.idleMillis = idleMillis;
        this.decayMillis = decayMillis;
    }

    /** The label {@code value} is counted under at {@code now}: itself while it holds a place, else {@link #OTHER}. */
    public String label(String value, long now) {
        if (WindowKey.ALL.equals(value)) {
            return value;
        }
        decayUntil(now);
        Count held = holders.get(value);
        if (held != null) {
            held.count++;
            held.lastSeen = now;
            return value;
        }
        holders.values().removeIf(h -> now - h.lastSeen >= idleMillis);
        if (holders.size() < limit) {
            Count c = challengers.remove(value);
            holders.put(value, new Count(c == null ? 1 : c.count + 1, now));
            return value;
        }
        if (limit == 0) {
            return OTHER;
        }
        Count challenger = challenge(value, now);
        Map.Entry<String, Count> weakest = null;
        for (Map.Entry<String, Count> h : holders.entrySet()) {
            if (weakest == null || h.getValue().count < weakest.getValue().count) {
                weakest = h;
            }
        }
        long sure = challenger.guaranteed();
        boolean mayTakeOver = lastTakeover == Long.MIN_VALUE || now - lastTakeover >= decayMillis;
        if (mayTakeOver && sure >= TAKEOVER_MIN && sure > 2 * weakest.getValue().count) {
            lastTakeover = now;
            // Busier lately than the least busy holder: it takes the place, the holder folds into OTHER from now on.
            Count demoted = weakest.getValue();
            demoted.error = 0;
            challengers.put(weakest.getKey(), demoted);
            holders.remove(weakest.getKey());
            challengers.remove(value);
            challenger.error = 0;
            holders.put(value, challenger);
            trimChallengers();
            return value;
        }
        return OTHER;
    }

    /** The values holding a place now (a checkpoint keeps them, so a restore does not reshuffle the series). */
    public List<String> holders() {
        return List.copyOf(holders.keySet());
    }

    /** Values tracked now, holders and challengers: at most {@code 5 × limit}. */
    public int tracked() {
        return holders.size() + challengers.size();
    }

    /** Gives {@code values} their places back after a restore (up to the limit), as if just seen. */
    public void restore(Collection<String> values, long now) {
        for (String v : values) {
            if (holders.size() < limit) {
                holders.put(v, new Count(0, now));
            }
        }
    }

    /** Space-Saving: a new value replaces the least counted challenger and inherits its count (an upper bound). */
    private Count challenge(String value, long now) {
        Count c = challengers.get(value);
        if (c == null) {
            c = new Count(0, now);
            if (challengers.size() >= 4 * limit) {
                Map.Entry<String, Count> least = null;
                for (Map.Entry<String, Count> e : challengers.entrySet()) {
                    if (least == null || e.getValue().count < least.getValue().count) {
                        least = e;
                    }
                }
                challengers.remove(least.getKey());
                c.count = least.getValue().count;
                c.error = least.getValue().count;
            }
            challengers.put(value, c);
        }
        c.count++;
        c.lastSeen = now;
        return c;
    }

    private void trimChallengers() {
        while (challengers.size() > 4 * limit) {
            String least = null;
            long min = Long.MAX_VALUE;
            for (Map.Entry<String, Count> e : challengers.entrySet()) {
                if (e.getValue().count < min) {
                    min = e.getValue().count;
                    least = e.getKey();
                }
            }
            challengers.remove(least);
        }
    }

    private void decayUntil(long now) {
        if (nextDecay == Long.MIN_VALUE) {
            nextDecay = now + decayMillis;
            return;
        }
        while (now >= nextDecay) {
            holders.values().forEach(h -> h.count /= 2);
            challengers.values().forEach(h -> {
                h.count /= 2;
                h.error /= 2;
            });
            nextDecay += decayMillis;
            if (now - nextDecay > 64 * decayMillis) {
                nextDecay = now + decayMillis; // a long pause: everything has halved to 0 long ago
            }
        }
    }
}
