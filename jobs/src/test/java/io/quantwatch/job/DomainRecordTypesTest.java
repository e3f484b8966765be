package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.RandomShadowComparisons;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.review.ReviewSample;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.DriftWindow;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.detectors.window.WindowReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The domain values operators pass between them are Flink POJOs all the way down (never Kryo) and survive a
 * round trip through Flink's serializer, with or without a comparison; window state has its own versioned serializer.
 */
class DomainRecordTypesTest {

    /** Every generic (Kryo) type reachable from {@code type}. */
    static List<String> generic(TypeInformation<?> type, String path) {
        List<String> out = new ArrayList<>();
        if (type instanceof GenericTypeInfo<?>) {
            out.add(path + ": " + type);
        }
        if (type instanceof CompositeType<?> c) {
            for (int i = 0; i < c.getArity(); i++) {
                out.addAll(generic(c.getTypeAt(i), path + "." + c.getFieldNames()[i]));
            }
        }
        for (TypeInformation<?> g : type.getGenericParameters().values()) {
            out.addAll(generic(g, path + "<>"));
        }
        return out;
    }

    static <T> T roundTrip(TypeInformation<T> type, T value) throws Exception {
        TypeSerializer<T> serializer = type.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void aShadowResultIsAPojoAllTheWayDownAndRoundTrips() throws Exception {
        TypeInformation<ShadowResult> type = TypeInformation.of(ShadowResult.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        assertThat(generic(type, "ShadowResult")).isEmpty();

        var s = RandomShadowComparisons.next(new Random(7));
        var prompt = new ShadowResult.PromptIdentity("r-1", "acme", "m", "tool_call", 1_000);
        ShadowResult compared = ShadowResult.compared(
                prompt, "int4", s.metrics(), FinishReason.EOS, FinishReason.MAX_TOKENS, "ref", "cand");
        assertThat(roundTrip(type, compared)).isEqualTo(compared);
        ShadowResult timedOut =
                ShadowResult.withoutComparison(prompt, "int4", ShadowResult.Outcome.TIMEOUT, "candidate: 20 s");
        assertThat(roundTrip(type, timedOut)).isEqualTo(timedOut);
    }

    @Test
    void windowsAlertsAndSamplesArePojosAllTheWayDownAndRoundTrip() throws Exception {
        // Not yet KeyedWindow: its WindowAccumulator still writes itself through Kryo (explicit serializers are issue
        // 14's).
        for (Class<?> c : List.of(WindowReport.class, AlertEvent.class, ReviewSample.class)) {
            assertThat(generic(TypeInformation.of(c), c.getSimpleName()))
                    .as(c.getSimpleName())
                    .isEmpty();
        }
        DriftWindow w = new DriftWindow();
        Random r = new Random(3);
        for (int i = 0; i < 40; i++) {
            w.add(RandomShadowComparisons.next(r).metrics());
        }
        DriftSummary s = w.summary();
        WindowKey key = new WindowKey("m", "int4", "tool_call", "acme");
        WindowReport report = new WindowReport(key, 0, 60_000, s, Verdict.of(s, Verdict.Policy.defaults()));
        assertThat(roundTrip(TypeInformation.of(WindowReport.class), report)).isEqualTo(report);
        AlertEvent alert = new AlertEvent(
                key.rollup(),
                60_000,
                new AlertTransition(
                        AlertRule.defaults().get(0), AlertTransition.State.FIRING, 0.1, 0.05, 0.2, 200, 0.02));
        assertThat(roundTrip(TypeInformation.of(AlertEvent.class), alert)).isEqualTo(alert);
        ReviewSample sample = new ReviewSample(
                key, 60_000, "r-1", 3.2, 4, 0.01, JsonFailure.TRUNCATED, true, "{\"a\": 1}", "{\"a\": ");
        assertThat(roundTrip(TypeInformation.of(ReviewSample.class), sample)).isEqualTo(sample);
    }

    @Test
    void windowStateRoundTripsThroughItsVersionedSerializerAndItsSnapshotRestoresIt() throws Exception {
        TypeInformation<WindowAccumulator> type = TypeInformation.of(WindowAccumulator.class);
        assertThat(type).isInstanceOf(WindowAccumulatorTypeInfo.class);
        Random r = new Random(9);
        WindowAccumulator acc = new WindowAccumulator(3);
        for (int i = 0; i < 200; i++) {
            var s = RandomShadowComparisons.next(r);
            var prompt = new ShadowResult.PromptIdentity("r-" + i, "acme", "m", "tool_call", i);
            acc.add(ShadowResult.compared(
                    prompt, "int4", s.metrics(), FinishReason.EOS, FinishReason.EOS, "ref", "cand"));
            if (i % 50 == 0) {
                acc.add(ShadowResult.withoutComparison(
                        prompt, "int4", ShadowResult.Outcome.TIMEOUT, "candidate: 20 s"));
            }
        }
        acc.add(ShadowResult.withoutComparison(
                new ShadowResult.PromptIdentity("shed", "acme", "m", "tool_call", 0),
                "int4",
                ShadowResult.Outcome.SHED,
                "shed"));
        WindowAccumulator back = roundTrip(type, acc);
        assertThat(back.drift().summary()).isEqualTo(acc.drift().summary());
        assertThat(back.worst()).hasSize(3).isEqualTo(acc.worst());
        assertThat(back.merge(new WindowAccumulator(3)).drift().summary().prompts())
                .isEqualTo(200);

        TypeSerializer<WindowAccumulator> serializer = type.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer snapshot = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshot, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<WindowAccumulator> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshot.getCopyOfBuffer()),
                getClass().getClassLoader());
        assertThat(serializer
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(restored)
                        .isCompatibleAsIs())
                .isTrue();
        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
    }
}
