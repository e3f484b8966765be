package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.RandomShadowComparisons;
import io.quantwatch.detectors.ShadowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The domain values operators pass between them are Flink POJOs all the way down (never Kryo) and survive a
 * round trip through Flink's serializer, with or without a comparison.
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
}
