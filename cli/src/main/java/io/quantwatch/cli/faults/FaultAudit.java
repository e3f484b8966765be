package io.quantwatch.cli.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks what the job published against what was produced, after faults: every window key × window end reported
 * once, per-key windows counting exactly the prompts of their event times, one shadow record per request id ×
 * candidate for every shadowed prompt, and alerts only for windows that exist, each transition once.
 */
public final class FaultAudit {
    /** A prompt the test produced. */
    public record Produced(String requestId, long eventTimeMillis, String tenant, String task) {}

    /** A window the job published (drift-metrics). */
    public record Window(
            String model, String candidate, String task, String tenant, long end, long offered, long shadowed) {
        String key() {
            return windowKey(model, candidate, task, tenant, end);
        }

        boolean rollup() {
            return "*".equals(task) && "*".equals(tenant);
        }
    }

    /** A shadow record the job published. */
    public record Record(String requestId, String candidate) {}

    /** An alert transition the job published. */
    public record Alert(
            String rule, String state, String model, String candidate, String task, String tenant, long windowEnd) {
        String windowKey() {
            return FaultAudit.windowKey(model, candidate, task, tenant, windowEnd);
        }
    }

    /**
     * What the audit found. Lost and duplicated are counted in prompt × candidate units (a window short by three
     * prompts lost three; a window reported twice duplicated its prompts again), plus duplicate records and alerts.
     */
    public record Result(
            int windowsChecked,
            long promptsChecked,
            long lost,
            long duplicated,
            long duplicateWindows,
            long duplicateRecords,
            long duplicateAlerts,
            long rollupMismatches,
            long alertsWithoutWindow,
            long shadowed,
            List<String> problems) {}

    private FaultAudit() {}

    private static String windowKey(String model, String candidate, String task, String tenant, long end) {
        return model + "/" + candidate + "/" + task + "/" + tenant + "@" + end;
    }

    /**
     * Audits the windows ending at or before {@code cutoff} (every prompt before it must be in one).
     *
     * @param model the served model every prompt named
     */
    public static Result audit(
            String model,
            List<String> candidates,
            long windowMillis,
            long cutoff,
            List<Produced> produced,
            List<Window> windows,
            List<Record> records,
            List<Alert> alerts) {
        Map<String, Long> expected = new TreeMap<>();
        Map<String, Set<String>> idsPerCandidate = new HashMap<>();
        long promptsChecked = 0;
        for (Produced p : produced) {
            long end = p.eventTimeMillis() - Math.floorMod(p.eventTimeMillis(), windowMillis) + windowMillis;
            if (end > cutoff) {
                continue;
            }
            promptsChecked++;
            for (String c : candidates) {
                expected.merge(windowKey(model, c, p.task(), p.tenant(), end), 1L, Long::sum);
                idsPerCandidate.computeIfAbsent(c, k -> new HashSet<>()).add(p.requestId());
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, List<Window>> reported = windows.stream()
                .filter(w -> w.end() <= cutoff)
                .collect(Collectors.groupingBy(Window::key, TreeMap::new, Collectors.toList()));
        long lost = 0;
        long duplicated = 0;
        long duplicateWindows = 0;
        long expectedShadowed = 0;
        for (var e : reported.entrySet()) {
            if (e.getValue().size() > 1) {
                duplicateWindows += e.getValue().size() - 1;
                problems.add(
                        "window " + e.getKey() + " reported " + e.getValue().size() + " times");
                if (!e.getValue().get(0).rollup()) {
                    duplicated += e.getValue().stream()
                            .skip(1)
                            .mapToLong(Window::offered)
                            .sum();
                }
            }
        }
        for (var e : expected.entrySet()) {
            List<Window> got = reported.get(e.getKey());
            long offered = got == null ? 0 : got.get(0).offered();
            if (got != null) {
                expectedShadowed += got.get(0).shadowed();
            }
            if (offered < e.getValue()) {
                lost += e.getValue() - offered;
                problems.add("window " + e.getKey() + " counted " + offered + " of " + e.getValue() + " prompts");
            } else if (offered > e.getValue()) {
                duplicated += offered - e.getValue();
                problems.add(
                        "window " + e.getKey() + " counted " + offered + " prompts, " + e.getValue() + " produced");
            }
        }
        long rollupMismatches = 0;
        Map<String, Long> perKeyByRollup = new HashMap<>();
        for (var e : reported.values()) {
            Window w = e.get(0);
            if (!w.rollup()) {
                perKeyByRollup.merge(windowKey(w.model(), w.candidate(), "*", "*", w.end()), w.offered(), Long::sum);
            }
        }
        for (var e : reported.values()) {
            Window w = e.get(0);
            if (w.rollup() && perKeyByRollup.getOrDefault(w.key(), 0L) != w.offered()) {
                rollupMismatches++;
                problems.add(
                        "roll-up " + w.key() + " counted " + w.offered() + ", its keys " + perKeyByRollup.get(w.key()));
            }
            if (!w.rollup() && !expected.containsKey(w.key())) {
                duplicated += w.offered();
                problems.add("window " + w.key() + " counted " + w.offered() + " prompts nobody produced");
            }
        }
        Map<String, Long> perRecord = records.stream()
                .filter(r ->
                        idsPerCandidate.getOrDefault(r.candidate(), Set.of()).contains(r.requestId()))
                .collect(Collectors.groupingBy(r -> r.requestId() + "/" + r.candidate(), Collectors.counting()));
        long duplicateRecords =
                perRecord.values().stream().mapToLong(n -> n - 1).sum();
        if (duplicateRecords > 0) {
            problems.add(duplicateRecords + " shadow records published more than once");
        }
        if (perRecord.size() != expectedShadowed) {
            long diff = expectedShadowed - perRecord.size();
            problems.add("windows counted " + expectedShadowed + " shadowed prompt × candidate, the topic holds "
                    + perRecord.size() + " distinct records for them");
            if (diff > 0) {
                lost += diff;
            } else {
                duplicated -= diff;
            }
        }
        duplicated += duplicateRecords;
        Map<String, Long> perAlert = alerts.stream()
                .filter(a -> a.windowEnd() <= cutoff)
                .collect(Collectors.groupingBy(
                        a -> a.rule() + "/" + a.state() + "/" + a.windowKey(), Collectors.counting()));
        long duplicateAlerts = perAlert.values().stream().mapToLong(n -> n - 1).sum();
        duplicated += duplicateAlerts;
        long alertsWithoutWindow = alerts.stream()
                .filter(a -> a.windowEnd() <= cutoff && !reported.containsKey(a.windowKey()))
                .count();
        if (alertsWithoutWindow > 0) {
            problems.add(alertsWithoutWindow + " alerts name a window that was never reported");
        }
        int windowsChecked =
                (int) reported.values().stream().filter(l -> !l.get(0).rollup()).count();
        return new Result(
                windowsChecked,
                promptsChecked,
                lost,
                duplicated,
                duplicateWindows,
                duplicateRecords,
                duplicateAlerts,
                rollupMismatches,
                alertsWithoutWindow,
                expectedShadowed,
                List.copyOf(problems));
    }
}
