package io.quantwatch.job;

import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.window.KeyLabelBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Folds the tenants and tasks beyond the busiest {@code maxTenants} / {@code maxTasks} into
 * {@link KeyLabelBudget#OTHER} before the windows, so windows, alert states, drift-metrics keys and Prometheus series
 * stay bounded whatever names clients send; the roll-up still counts every prompt. Runs with parallelism 1 (one view
 * of the traffic, so a tenant is never named on one subtask and folded on another); its places survive a checkpoint.
 */
public final class FoldRareKeys extends ProcessFunction<ShadowResult, ShadowResult> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final char SEPARATOR = '\u0000';

    private final int maxTenants;
    private final int maxTasks;
    private final long idleMillis;
    private final long decayMillis;
    private transient KeyLabelBudget tenants;
    private transient KeyLabelBudget tasks;
    private transient ListState<String> holders;

    /**
     * @param idle   a tenant or task not seen for this long gives its place up
     * @param decay  how quickly "busiest" forgets: counts halve every {@code decay}
     */
    public FoldRareKeys(int maxTenants, int maxTasks, Duration idle, Duration decay) {
        this.maxTenants = maxTenants;
        this.maxTasks = maxTasks;
        this.idleMillis = idle.toMillis();
        this.decayMillis = decay.toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        tenants = new KeyLabelBudget(maxTenants, idleMillis, decayMillis);
        tasks = new KeyLabelBudget(maxTasks, idleMillis, decayMillis);
        holders = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("key-label-holders", StringSerializer.INSTANCE));
        if (context.isRestored()) {
            long now = System.currentTimeMillis();
            List<String> tenantNames = new ArrayList<>();
            List<String> taskNames = new ArrayList<>();
            for (String entry : holders.get()) {
                int at = entry.indexOf(SEPARATOR);
                (entry.substring(0, at).equals("tenant") ? tenantNames : taskNames).add(entry.substring(at + 1));
            }
            tenants.restore(tenantNames, now);
            tasks.restore(taskNames, now);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<String> entries = new ArrayList<>();
        tenants.holders().forEach(t -> entries.add("tenant" + SEPARATOR + t));
        tasks.holders().forEach(t -> entries.add("task" + SEPARATOR + t));
        holders.update(entries);
    }

    @Override
    public void processElement(ShadowResult r, Context ctx, Collector<ShadowResult> out) {
        long now = ctx.timerService().currentProcessingTime();
        String tenant = tenants.label(r.tenant(), now);
        String task = tasks.label(r.task(), now);
        if (tenant.equals(r.tenant()) && task.equals(r.task())) {
            out.collect(r);
            return;
        }
        out.collect(new ShadowResult(
                r.requestId(),
                tenant,
                r.model(),
                task,
                r.candidate(),
                r.eventTimeMillis(),
                r.outcome(),
                r.detail(),
                r.metrics(),
                r.referenceFinish(),
                r.candidateFinish(),
                r.referenceText(),
                r.candidateText()));
    }
}
