package io.quantwatch.review.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Natural keys as short stable ids: the first 128 bits of SHA-256 over the parts, so a replay maps to the same row. */
final class StoreIds {
    private StoreIds() {}

    static String of(Object... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                byte[] b = String.valueOf(p).getBytes(StandardCharsets.UTF_8);
                // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
                sha.update(new byte[] {
                    (byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length
                });
                sha.update(b);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
