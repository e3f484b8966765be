package io.quantwatch.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.cli.faults.FaultAudit.Alert;
import io.quantwatch.cli.faults.FaultAudit.Produced;
import io.quantwatch.cli.faults.FaultAudit.Record;
import io.quantwatch.cli.faults.FaultAudit.Window;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fault run's audit finds what a failover can do wrong: a window short, a window or record twice, a stray alert. */
class FaultAuditTest {
    private static final long W = 20_000;
    private static final List<String> CANDIDATES = List.of("a");
    // Three prompts in window [0, 20 s), two in [20 s, 40 s), one after the cutoff.
    private static final List<Produced> PRODUCED = List.of(
            new Produced("r0", 1_000, "t1", "chat"),
            new Produced("r1", 2_000, "t1", "chat"),
            new Produced("r2", 3_000, "t2", "chat"),
            new Produced("r3", 21_000, "t1", "chat"),
            new Produced("r4", 22_000, "t1", "chat"),
            new Produced("r5", 41_000, "t1", "chat"));

    private static List<Window> exactWindows() {
        return new ArrayList<>(List.of(
                new Window("m", "a", "chat", "t1", W, 2, 2),
                new Window("m", "a", "chat", "t2", W, 1, 1),
                new Window("m", "a", "*", "*", W, 3, 3),
                new Window("m", "a", "chat", "t1", 2 * W, 2, 2),
                new Window("m", "a", "*", "*", 2 * W, 2, 2)));
    }

    private static List<Record> exactRecords() {
        return new ArrayList<>(List.of(
                new Record("r0", "a"),
                new Record("r1", "a"),
                new Record("r2", "a"),
                new Record("r3", "a"),
                new Record("r4", "a")));
    }

    private static FaultAudit.Result audit(List<Window> windows, List<Record> records, List<Alert> alerts) {
        return FaultAudit.audit("m", CANDIDATES, W, 2 * W, PRODUCED, windows, records, alerts);
    }

    @Test
    void exactOutputPasses() {
        FaultAudit.Result r =
                audit(exactWindows(), exactRecords(), List.of(new Alert("x", "FIRING", "m", "a", "*", "*", W)));
        assertThat(r.problems()).isEmpty();
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.promptsChecked()).isEqualTo(5);
        assertThat(r.windowsChecked()).isEqualTo(3);
    }

    @Test
    void aWindowShortOfAPromptAndItsRecordIsLoss() {
        List<Window> w = exactWindows();
        w.set(0, new Window("m", "a", "chat", "t1", W, 1, 1));
        w.set(2, new Window("m", "a", "*", "*", W, 2, 2));
        List<Record> rec = exactRecords();
        rec.remove(0);
        FaultAudit.Result r = audit(w, rec, List.of());
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.duplicated()).isZero();
    }

    @Test
    void aMissingWindowLosesAllItsPrompts() {
        List<Window> w = exactWindows();
        w.remove(3);
        FaultAudit.Result r = audit(w, exactRecords().subList(0, 3), List.of());
        assertThat(r.lost()).isEqualTo(2);
        assertThat(r.rollupMismatches()).isEqualTo(1);
    }

    @Test
    void aWindowReportedTwiceAndARecordPublishedTwiceAreDuplicates() {
        List<Window> w = exactWindows();
        w.add(new Window("m", "a", "chat", "t2", W, 1, 1));
        List<Record> rec = exactRecords();
        rec.add(new Record("r3", "a"));
        FaultAudit.Result r = audit(w, rec, List.of());
        assertThat(r.duplicateWindows()).isEqualTo(1);
        assertThat(r.duplicateRecords()).isEqualTo(1);
        assertThat(r.duplicated()).isEqualTo(2);
        assertThat(r.lost()).isZero();
    }

    @Test
    void aReplayCountedIntoTheWindowAgainIsADuplicate() {
        List<Window> w = exactWindows();
        w.set(3, new Window("m", "a", "chat", "t1", 2 * W, 3, 2));
        w.set(4, new Window("m", "a", "*", "*", 2 * W, 3, 2));
        assertThat(audit(w, exactRecords(), List.of()).duplicated()).isEqualTo(1);
    }

    @Test
    void alertsTwiceOrForWindowsNeverReportedAreCaught() {
        FaultAudit.Result r = audit(
                exactWindows(),
                exactRecords(),
                List.of(
                        new Alert("x", "FIRING", "m", "a", "*", "*", W),
                        new Alert("x", "FIRING", "m", "a", "*", "*", W),
                        new Alert("y", "FIRING", "m", "a", "chat", "t9", W)));
        assertThat(r.duplicateAlerts()).isEqualTo(1);
        assertThat(r.alertsWithoutWindow()).isEqualTo(1);
        assertThat(r.duplicated()).isEqualTo(1);
    }

    @Test
    void windowsAfterTheCutoffAreNotAudited() {
        List<Window> w = exactWindows();
        w.add(new Window("m", "a", "chat", "t1", 3 * W, 5, 5)); // the open tail: not yet final
        assertThat(audit(w, exactRecords(), List.of()).problems()).isEmpty();
    }
}
