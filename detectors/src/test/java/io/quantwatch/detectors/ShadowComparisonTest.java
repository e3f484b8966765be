package io.quantwatch.detectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole comparison on an A/A pair, a JSON-breaking candidate, and top-k-only backends. */
class ShadowComparisonTest {
    final ShadowComparison comparison = new ShadowComparison();

    static TeacherForcedScores exact(int n, double kl, boolean same) {
        double[] k = new double[n];
        boolean[] s = new boolean[n];
        double[] z = new double[n];
        double[] lp = new double[n];
        int[][] top = new int[n][];
        for (int i = 0; i < n; i++) {
            k[i] = kl;
            s[i] = same;
            lp[i] = -0.1;
            top[i] = new int[] {i + 1};
        }
        return new TeacherForcedScores(k, s, z, lp, lp.clone(), top);
    }

    @Test
    void referenceAgainstItselfShowsNoDrift() {
        DecodeOutput ref = new DecodeOutput(new int[] {1, 2, 3}, "{\"a\": 1}", FinishReason.EOS, List.of());
        ShadowMetrics m = comparison.compare(RequestContext.none(), ref, ref, exact(3, 0.0, true));
        assertThat(m.divergence().identical()).isTrue();
        assertThat(m.distribution().meanKl()).isZero();
        assertThat(m.distribution().perplexityRatio()).isEqualTo(1.0);
        assertThat(m.distribution().sameTop1Rate()).isEqualTo(1.0);
        assertThat(m.jsonExpected()).isTrue(); // the reference answered in JSON
        assertThat(m.jsonBroken()).isFalse();
        assertThat(m.length().ratio()).isEqualTo(1.0);
        assertThat(m.rareTokens().missingFromTop10()).isZero();
        assertThat(m.slips().addedPreamble()).isFalse();
    }

    @Test
    void aCandidateThatBreaksTheJsonIsFlagged() {
        DecodeOutput ref = new DecodeOutput(new int[] {1, 2, 3, 4}, "{\"a\": [1, 2]}", FinishReason.EOS, List.of());
        DecodeOutput cand =
                new DecodeOutput(new int[] {1, 2, 9, 4, 5}, "{\"a\": [1, 2,]}", FinishReason.EOS, List.of());
        ShadowMetrics m = comparison.compare(new RequestContext(true, null, null), ref, cand, exact(4, 0.2, false));
        assertThat(m.jsonBroken()).isTrue();
        assertThat(m.candidateJson().failure()).isEqualTo(JsonFailure.TRAILING_COMMA);
        assertThat(m.divergence().firstDivergentToken()).isEqualTo(2);
        assertThat(m.distribution().meanKl()).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void proseIsNotJsonExpectedUnlessRequested() {
        DecodeOutput ref = new DecodeOutput(new int[] {1}, "Bees live in colonies.", FinishReason.EOS, List.of());
        ShadowMetrics m = comparison.compare(new RequestContext(false, null, 1), ref, ref, exact(1, 0, true));
        assertThat(m.jsonExpected()).isFalse();
        assertThat(m.jsonBroken()).isFalse();
    }

    @Test
    void aRequestSchemaIsEnforcedOnTheCandidate() {
        String schema = "{\"type\": \"object\", \"required\": [\"tool\"]}";
        DecodeOutput ref = new DecodeOutput(new int[] {1, 2}, "{\"tool\": \"x\"}", FinishReason.EOS, List.of());
        DecodeOutput cand = new DecodeOutput(new int[] {1, 3}, "{\"name\": \"x\"}", FinishReason.EOS, List.of());
        for (int i = 0; i < 2; i++) { // the second call reuses the compiled schema
            ShadowMetrics m =
                    comparison.compare(new RequestContext(true, schema, null), ref, cand, exact(2, 0.1, false));
            assertThat(m.candidateJson().failure()).isEqualTo(JsonFailure.SCHEMA_MISMATCH);
            assertThat(m.jsonBroken()).isTrue();
        }
    }
}
