package io.quantwatch.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short fault run of CI: the slim job jar on the deploy/local cluster (Kafka, a JobManager and two TaskManagers,
 * each its own JVM, started by the scripts an operator runs), one TaskManager killed with SIGKILL mid-window and
 * started again; every window, shadow record and alert read back {@code read_committed} is there exactly once.
 */
class LocalClusterFaultTest {

    @Test
    void aTaskManagerKilledMidWindowLosesAndDoublesNothing() throws Exception {
        Path root = Path.of(System.getProperty("quantwatch.root", "../"));
        FaultBenchCommand bench = new FaultBenchCommand();
        bench.kills = 1;
        bench.options.rate = 3;
        bench.between = 20;
        bench.down = 3;
        bench.options.deployDir = root.resolve("deploy/local");
        FaultBenchCommand.Outcome o = bench.run();

        assertThat(o.kills()).hasSize(1);
        assertThat(o.audit().problems()).isEmpty();
        assertThat(o.audit().lost()).isZero();
        assertThat(o.audit().duplicated()).isZero();
        // The kill fell inside the audited stretch: windows on both sides of it are checked.
        assertThat(o.audit().promptsChecked()).isGreaterThan(100);
        assertThat(o.audit().windowsChecked()).isGreaterThanOrEqualTo(4 * 2 * 3);
        assertThat(o.recoveryMax()).isPositive().isLessThan(120);
    }
}
