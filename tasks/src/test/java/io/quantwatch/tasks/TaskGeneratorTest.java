package io.quantwatch.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every family generates deterministic tasks whose reference answers pass their own checks. */
class TaskGeneratorTest {

    @ParameterizedTest
    @EnumSource(TaskFamily.class)
    void referenceCompletionsSatisfyTheirChecks(TaskFamily family) {
        TaskGenerator g = new TaskGenerator(1);
        for (TaskExample t : g.next(family, 500)) {
            assertThat(t.check().evaluate(t.completion()).satisfied())
                    .as("%s -> %s", t.instruction(), t.completion())
                    .isTrue();
            assertThat(t.completion()).startsWith(" ");
            assertThat(t.prompt()).startsWith("User: ").endsWith("\nAssistant:");
        }
    }

    @Test
    void sameSeedSameTasksOtherSeedOtherTasks() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        List<String> c = new ArrayList<>();
        TaskGenerator ga = new TaskGenerator(9);
        TaskGenerator gb = new TaskGenerator(9);
        TaskGenerator gc = TaskGenerator.heldOut(9);
        for (int i = 0; i < 50; i++) {
            a.add(ga.next().completion());
            b.add(gb.next().completion());
            c.add(gc.next().completion());
        }
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void toolCallsCoverThirtyToolsWithNestingEscapesAndDecimals() {
        TaskGenerator g = new TaskGenerator(2);
        assertThat(g.toolNames()).hasSize(30).doesNotHaveDuplicates();
        String all = String.join(
                "\n",
                g.next(TaskFamily.TOOL_CALL, 2000).stream()
                        .map(TaskExample::completion)
                        .toList());
        assertThat(all).contains("\\\"", "\\\\", "\\t", "true", "false", "[[", "{\"date\"");
        assertThat(all).containsPattern("\"amount\":\\d+\\.\\d\\d");
        for (String tool : g.toolNames()) {
            assertThat(all).contains("\"tool\":\"" + tool + "\"");
        }
    }

    @Test
    void checksRejectTheFailuresQuantizationCauses() {
        TaskExample call = new TaskGenerator(3).next(TaskFamily.TOOL_CALL);
        String json = call.completion().strip();
        assertThat(call.check().evaluate(json.substring(0, json.length() - 1)).satisfied())
                .isFalse(); // truncated
        assertThat(call.check().evaluate("Sure! " + json).reason()).startsWith("invalid JSON");
        assertThat(new Check.SentenceCount(2).evaluate("One. Two. Three.").satisfied())
                .isFalse();
        assertThat(new Check.ValueOnly("Tirsk")
                        .evaluate("The capital is Tirsk.")
                        .reason())
                .contains("wrapped");
        assertThat(new Check.ItemCount(3).evaluate("1. a\n2. b").satisfied()).isFalse();
        assertThat(new Check.ExactText("ka domu")
                        .evaluate("Here is the translation: ka domu")
                        .satisfied())
                .isFalse();
    }

    @Test
    void storiesAreLong() {
        for (TaskExample t : new TaskGenerator(4).next(TaskFamily.LONG_CONTINUATION, 50)) {
            int words = t.completion().strip().split("\\s+").length;
            assertThat(words).isBetween(140, 320);
        }
    }
}
