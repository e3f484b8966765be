package io.quantwatch.schemas;

import java.lang.reflect.Method;
import org.apache.avro.SystemLimitException;

/**
 * Caps what Avro may allocate while decoding one record in this JVM. A producer can send a 40-byte record whose
 * array or string header claims 2³¹ items; Avro would allocate that before noticing the bytes are missing. Avro's
 * own knobs are JVM-wide system properties read once, so they are set here before the first decode and re-read.
 * The job's prompt decoder and the review page's ingestion both install them.
 */
public final class AvroLimits {
    /** Longest string, bytes field or collection accepted in any record: a prompt record is at most 512 KiB. */
    public static final int MAX_LENGTH = 8 * 1024 * 1024;

    private static final String[] PROPERTIES = {
        "org.apache.avro.limits.string.maxLength",
        "org.apache.avro.limits.bytes.maxLength",
        "org.apache.avro.limits.collectionItems.maxLength"
    };

    private AvroLimits() {}

    /** Sets every limit the operator has not set and makes Avro read them again. Idempotent. */
    public static synchronized void install() {
        for (String p : PROPERTIES) {
            if (System.getProperty(p) == null) {
                System.setProperty(p, String.valueOf(MAX_LENGTH));
            }
        }
        try {
            // Avro reads the properties in a static initializer; resetLimits() re-reads them if it already ran.
            Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot apply Avro's decode limits (" + e + "): pass -D" + PROPERTIES[0] + "=" + MAX_LENGTH
                            + " and the same for bytes and collectionItems to the TaskManager JVM",
                    e);
        }
    }
}
