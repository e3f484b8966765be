package io.quantwatch.detectors;

import java.util.List;
import java.util.Random;

/**
 * Seeded random comparisons for property tests here and in other modules (shared as this module's
 * test jar): token sequences that are sometimes identical, texts that hit every JSON failure class
 * the windows count, random teacher-forced scores.
 */
public final class RandomShadowComparisons {
    private static final ShadowComparison COMPARISON = new ShadowComparison();
    private static final String[] TEXTS = {
        "{\"a\": 1}",
        "{\"a\": 1,}",
        "{\"a\": [1",
        "Sure! {\"a\": 1}",
        "One. Two.",
        "",
        "x y x y x y x y",
        "{\"name\": \"route\", \"arguments\": {\"points\": [[-51.51, -111.91]], \"fast\": true}}",
        "{\"name\": \"route\", \"arguments\": {\"points\": [[-51.51, 101.91]], \"fast\": true}}",
        "{\"name\": \"track\", \"arguments\": {\"number\": \"1Z999AA1\"}}"
    };

    /** One comparison with the outputs it came from. */
    public record Sample(ShadowMetrics metrics, DecodeOutput reference, DecodeOutput candidate) {}

    private RandomShadowComparisons() {}

    public static Sample next(Random r) {
        int n = 1 + r.nextInt(30);
        int[] ref = r.ints(n, 0, 5).toArray();
        int[] cand = r.nextInt(3) == 0
                ? ref.clone()
                : r.ints(1 + r.nextInt(30), 0, 5).toArray();
        boolean[] same = new boolean[n];
        double[] dp = new double[n];
        double[] refLp = new double[n];
        double[] candLp = new double[n];
        int[][] top = new int[n][];
        for (int i = 0; i < n; i++) {
            same[i] = r.nextBoolean();
            dp[i] = r.nextDouble() - 0.5;
            refLp[i] = -r.nextDouble();
            candLp[i] = -2 * r.nextDouble();
            top[i] = r.ints(10, 0, 8).toArray();
        }
        FinishReason[] reasons = FinishReason.values();
        DecodeOutput reference =
                new DecodeOutput(ref, TEXTS[r.nextInt(TEXTS.length)], reasons[r.nextInt(3)], List.of());
        DecodeOutput candidate =
                new DecodeOutput(cand, TEXTS[r.nextInt(TEXTS.length)], reasons[r.nextInt(3)], List.of());
        ShadowMetrics m = COMPARISON.compare(
                new RequestContext(r.nextBoolean(), null, r.nextBoolean() ? 2 : null),
                reference,
                candidate,
                new TeacherForcedScores(r.doubles(n, 0, 2).toArray(), same, dp, refLp, candLp, top));
        return new Sample(m, reference, candidate);
    }
}
