package io.quantwatch.detectors.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyLabelBudgetTest {
    private static final long MINUTE = 60_000;

    @Test
    void tenThousandRandomTenantsGiveAtMostTheLimitOfLabelsAndBoundedMemory() {
        KeyLabelBudget budget = new KeyLabelBudget(5, 60 * MINUTE, 10 * MINUTE);
        Random random = new Random(7);
        Set<String> labels = new HashSet<>();
        int maxTracked = 0;
        for (int i = 0; i < 10_000; i++) {
            labels.add(budget.label("tenant-" + random.nextLong(), i));
            maxTracked = Math.max(maxTracked, budget.tracked());
        }

        assertThat(labels).hasSize(6).contains(KeyLabelBudget.OTHER);
        assertThat(maxTracked).isLessThanOrEqualTo(5 * 5);
    }

    @Test
    void theBusiestTenantsKeepTheirNamesAmidOneOffNoise() {
        // Counts halve each second, and at most one takeover a second: 16 s of traffic below.
        KeyLabelBudget budget = new KeyLabelBudget(3, 60 * MINUTE, 1_000);
        Random random = new Random(11);
        // Noise first: three strangers take the free places.
        for (int i = 0; i < 3; i++) {
            budget.label("stranger-" + i, i);
        }
        long now = 10;
        String[] last = new String[3];
        for (int round = 0; round < 2_000; round++) {
            for (int h = 0; h < 3; h++) {
                last[h] = budget.label("heavy-" + h, now++);
            }
            for (int n = 0; n < 5; n++) {
                budget.label("noise-" + random.nextLong(), now++);
            }
        }

        assertThat(last).containsExactly("heavy-0", "heavy-1", "heavy-2");
        assertThat(budget.holders()).containsExactlyInAnyOrder("heavy-0", "heavy-1", "heavy-2");
        assertThat(budget.label("noise-new", now)).isEqualTo(KeyLabelBudget.OTHER);
    }

    @Test
    void anIdleHolderGivesItsPlaceUpAndARestoreKeepsThePlaces() {
        KeyLabelBudget budget = new KeyLabelBudget(1, 5 * MINUTE, MINUTE);
        assertThat(budget.label("acme", 0)).isEqualTo("acme");
        assertThat(budget.label("globex", MINUTE)).isEqualTo(KeyLabelBudget.OTHER);
        assertThat(budget.label("globex", 6 * MINUTE)).isEqualTo("globex");

        KeyLabelBudget restored = new KeyLabelBudget(1, 5 * MINUTE, MINUTE);
        restored.restore(budget.holders(), 0);
        assertThat(restored.label("globex", 1)).isEqualTo("globex");
        assertThat(restored.label("acme", 2)).isEqualTo(KeyLabelBudget.OTHER);
    }

    @Test
    void theRollUpAndAZeroLimitAreNeverCounted() {
        KeyLabelBudget none = new KeyLabelBudget(0, MINUTE, MINUTE);
        assertThat(none.label("acme", 0)).isEqualTo(KeyLabelBudget.OTHER);
        assertThat(none.label(WindowKey.ALL, 0)).isEqualTo(WindowKey.ALL);
        assertThat(none.holders()).isEqualTo(List.of());
    }

    @Test
    void atMostOneTakeoverPerDecayPeriod() {
        KeyLabelBudget budget = new KeyLabelBudget(1, 60 * MINUTE, MINUTE);
        budget.label("quiet", 0);
        for (int i = 0; i < 10; i++) {
            budget.label("busy-a", 1 + i);
        }
        assertThat(budget.holders()).containsExactly("busy-a");
        for (int i = 0; i < 100; i++) {
            budget.label("busy-b", 20 + i); // far busier, but the place changed hands less than a minute ago
        }
        assertThat(budget.holders()).containsExactly("busy-a");
        for (int i = 0; i < 10; i++) {
            budget.label("busy-b", MINUTE + 1 + i);
        }
        assertThat(budget.holders()).containsExactly("busy-b");
    }
}
