package io.quantwatch.job;

import io.quantwatch.detectors.ShadowResult;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Tells Flink to store {@link WindowAccumulator} with {@link WindowAccumulatorSerializer}, wherever it appears. */
public final class WindowAccumulatorTypeInfo extends TypeInformation<WindowAccumulator> {
    private static final long serialVersionUID = 1L;

    /** Picked up through {@code @TypeInfo} on {@link WindowAccumulator}. */
    public static final class Factory extends TypeInfoFactory<WindowAccumulator> {
        @Override
        public TypeInformation<WindowAccumulator> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new WindowAccumulatorTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<WindowAccumulator> getTypeClass() {
        return WindowAccumulator.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<WindowAccumulator> createSerializer(SerializerConfig config) {
        return new WindowAccumulatorSerializer(
                TypeInformation.of(ShadowResult.class).createSerializer(config));
    }

    @Override
    public String toString() {
        return "WindowAccumulator(explicit, versioned)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowAccumulatorTypeInfo;
    }

    @Override
    public int hashCode() {
        return WindowAccumulatorTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof WindowAccumulatorTypeInfo;
    }
}
