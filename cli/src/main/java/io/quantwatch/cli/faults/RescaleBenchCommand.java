package io.quantwatch.cli.faults;

import io.quantwatch.embedded.CheckpointStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch bench rescale}: the job jar on the {@code deploy/local} cluster under steady traffic, stopped with a
 * savepoint mid-window at parallelism 1, restored at 2, stopped again and restored at 1 (the way an operator rescales:
 * {@code flink stop}, then {@code flink run -s SAVEPOINT -p N}); then every output topic is audited as in
 * {@link FaultBenchCommand}. Ends with {@code rescale: steps=1>2>1 lost=… duplicated=… downtime_s_max=…}.
 */
@Command(
        name = "rescale",
        mixinStandardHelpOptions = true,
        description = "Stop with savepoint and restore at another parallelism (1 → 2 → 1) on the local cluster: nothing"
                + " lost or doubled?")
public final class RescaleBenchCommand implements Callable<Integer> {

    @Option(
            names = "--seconds-per-step",
            defaultValue = "40",
            description = "Traffic at each parallelism (default: ${DEFAULT-VALUE}).")
    int between;

    @Option(names = "--parallelism", split = ",", defaultValue = "1,2,1", description = "The steps (default: 1,2,1).")
    List<Integer> steps;

    @Mixin
    ClusterRunOptions options = new ClusterRunOptions();

    /** One stop-and-restore and how long the job was away. */
    public record Step(int from, int to, String savepoint, double downtimeSeconds) {}

    @Override
    public Integer call() throws Exception {
        Path runDir = Files.createTempDirectory("qw-rescale");
        List<FaultAudit.Produced> produced = Collections.synchronizedList(new ArrayList<>());
        List<Step> done = new ArrayList<>();
        FaultAudit.Result audit;
        try (LocalCluster cluster = new LocalCluster(options.deployDir, runDir)) {
            cluster.start(steps.stream().mapToInt(Integer::intValue).max().orElse(1));
            String job = cluster.submit(flinkArgs(steps.get(0), null), jobArgs(steps.get(0)));
            System.out.printf("job %s at parallelism %d (run directory %s)%n", job, steps.get(0), runDir);
            FaultBenchCommand.awaitFirstCheckpoint(cluster, job);
            try (FaultBenchCommand.Traffic traffic =
                    new FaultBenchCommand.Traffic(cluster.bootstrapServers(), options.rate, produced)) {
                traffic.start();
                for (int i = 1; i < steps.size(); i++) {
                    Thread.sleep(between * 1000L);
                    FaultBenchCommand.waitForPhase(0.5);
                    long stopped = System.currentTimeMillis();
                    String savepoint = cluster.stopWithSavepoint(job);
                    job = cluster.submit(flinkArgs(steps.get(i), savepoint), jobArgs(steps.get(i)));
                    FaultBenchCommand.awaitFirstCheckpoint(cluster, job);
                    double downtime = (System.currentTimeMillis() - stopped) / 1e3;
                    done.add(new Step(steps.get(i - 1), steps.get(i), savepoint, downtime));
                    System.out.printf(
                            "parallelism %d → %d through %s: first checkpoint of the restored job %.1f s after the stop%n",
                            steps.get(i - 1), steps.get(i), savepoint, downtime);
                }
                Thread.sleep(between * 1000L);
                long cutoff = FaultBenchCommand.windowEnd(System.currentTimeMillis());
                FaultBenchCommand.awaitWindows(cluster, cutoff);
                traffic.stop();
                FaultBenchCommand.Outcome o = FaultBenchCommand.audit(
                        cluster,
                        produced,
                        List.of(),
                        cutoff,
                        CheckpointStats.read(cluster.restUrl(), job).orElse(null));
                audit = o.audit();
                System.out.printf(
                        "produced %d prompts; audited %d prompts in %d windows: lost %d, duplicated %d; shadow records"
                                + " written twice %d%n",
                        o.produced(),
                        audit.promptsChecked(),
                        audit.windowsChecked(),
                        audit.lost(),
                        audit.duplicated(),
                        o.replayed());
                audit.problems().stream().limit(20).forEach(p -> System.out.println("  problem: " + p));
            }
        } finally {
            if (!options.keep) {
                FaultBenchCommand.deleteTree(runDir);
            }
        }
        System.out.printf(
                "rescale: steps=%s lost=%d duplicated=%d downtime_s_max=%.1f%n",
                String.join(">", steps.stream().map(String::valueOf).toList()),
                audit.lost(),
                audit.duplicated(),
                done.stream().mapToDouble(Step::downtimeSeconds).max().orElse(Double.NaN));
        return audit.lost() == 0 && audit.duplicated() == 0 ? 0 : 1;
    }

    private static List<String> flinkArgs(int parallelism, String savepoint) {
        List<String> a = new ArrayList<>(List.of("-p", String.valueOf(parallelism)));
        if (savepoint != null) {
            a.addAll(List.of("-s", savepoint));
        }
        return a;
    }

    private List<String> jobArgs(int parallelism) {
        List<String> a = new ArrayList<>(options.setArgs());
        a.addAll(List.of("--set", "engine.parallelism=" + parallelism));
        return a;
    }
}
