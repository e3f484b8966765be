package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.RequestContext;
import io.quantwatch.detectors.ShadowComparison;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.schemas.ShadowRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What leaves the monitor on shadow-records: both outputs redacted and cut as on drift-samples, figures untouched. */
class RedactShadowRecordTest {
    private static final String REFERENCE = "Reach jane.doe@example.com at +44 20 7946 0958. " + "x".repeat(5_000);
    private static final String CANDIDATE = "Call 10.0.12.7 with the card 4111-1111-1111-1111";

    private static ShadowResult result() {
        int[] tokens = {5, 6, 7};
        var forced = new TeacherForcedScores(
                new double[] {0.1, 0.1, 0.1},
                new boolean[] {true, true, true},
                new double[3],
                new double[] {-1, -1, -1},
                new double[] {-1, -1, -1},
                new int[][] {{5}, {6}, {7}});
        var m = new ShadowComparison()
                .compare(
                        RequestContext.none(),
                        new DecodeOutput(tokens, REFERENCE, FinishReason.EOS, List.of()),
                        new DecodeOutput(tokens, CANDIDATE, FinishReason.EOS, List.of()),
                        forced);
        return ShadowResult.compared(
                new ShadowResult.PromptIdentity("r", "acme", "m", "chat", 1L),
                "int4",
                m,
                FinishReason.EOS,
                FinishReason.EOS,
                REFERENCE,
                CANDIDATE);
    }

    @Test
    void byDefaultBothOutputsAreMaskedAndCut() {
        ShadowRecord r = new RedactShadowRecord(true, 200).map(result());

        assertThat(r.getReferenceText())
                .doesNotContain("jane", "7946")
                .contains("[EMAIL]")
                .hasSizeLessThan(260);
        assertThat(r.getCandidateText()).doesNotContain("10.0.12.7", "4111").contains("[IP]");
        assertThat(r.getKlSum())
                .isEqualTo(io.quantwatch.connectors.kafka.ShadowRecordMapping.toAvro(result())
                        .getKlSum());
    }

    @Test
    void withRedactionOffTheyAreOnlyCut() {
        ShadowRecord r = new RedactShadowRecord(false, 200).map(result());

        assertThat(r.getReferenceText())
                .startsWith("Reach jane.doe@example.com")
                .endsWith("more chars]");
        assertThat(r.getCandidateText()).isEqualTo(CANDIDATE);
    }
}
