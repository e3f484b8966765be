package io.quantwatch.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The seeded source of every demo-model task: the training corpus, the held-out evaluation set and
 * the monitor's demo traffic all come from here, so their formats cannot drift apart. The same
 * seed always yields the same sequence.
 */
public final class TaskGenerator {
    /** Seeds at or above this are reserved for held-out evaluation; training uses seeds below it. */
    public static final long HELD_OUT_SEED_BASE = 1_000_000_007L;

    private final Random random;
    private final ToolCallTasks tools = new ToolCallTasks();
    private final ConstrainedReplyTasks constrained = new ConstrainedReplyTasks();
    private final TranslationTasks translation = new TranslationTasks();
    private final StoryTasks stories = new StoryTasks();

    public TaskGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** Held-out evaluation tasks: a seed stream training never uses. */
    public static TaskGenerator heldOut(long seed) {
        return new TaskGenerator(HELD_OUT_SEED_BASE + seed);
    }

    /** The next task from the training mix (tool calls 35 %, constrained 25 %, translation 28 %, stories 12 %). */
    public TaskExample next() {
        int roll = random.nextInt(100);
        TaskFamily family = roll < 35
                ? TaskFamily.TOOL_CALL
                : roll < 60
                        ? TaskFamily.CONSTRAINED_REPLY
                        : roll < 88 ? TaskFamily.TRANSLATION : TaskFamily.LONG_CONTINUATION;
        return next(family);
    }

    public TaskExample next(TaskFamily family) {
        return switch (family) {
            case TOOL_CALL -> tools.next(random);
            case CONSTRAINED_REPLY -> constrained.next(random);
            case TRANSLATION -> translation.next(random);
            case LONG_CONTINUATION -> stories.next(random);
        };
    }

    public List<TaskExample> next(TaskFamily family, int count) {
        List<TaskExample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next(family));
        }
        return out;
    }

    /** Names of the tools the tool-call family uses. */
    public List<String> toolNames() {
        return tools.toolNames();
    }
}
