package io.quantwatch.detectors.sampling;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Decides from the request id alone whether a prompt is shadowed, so every task manager, every
 * replay and every restart samples exactly the same requests. The id is hashed with SHA-256 (with an
 * optional salt to pick a different subset) and the first 8 bytes, read as an unsigned fraction of
 * 2^64, are compared with the rate.
 */
public final class DeterministicSampler implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double rate;
    private final String salt;

    public DeterministicSampler(double rate, String salt) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException("sampling rate must be in [0, 1], got " + rate);
        }
        this.rate = rate;
        this.salt = salt == null ? "" : salt;
    }

    /** True when the request with this id belongs to the shadowed sample. */
    public boolean sampled(String requestId) {
        if (rate >= 1.0) {
            return true;
        }
        return rate > 0.0 && fraction(requestId) < rate;
    }

    /** The id's position in [0, 1): uniform over ids, fixed for a given salt. */
    public double fraction(String requestId) {
        byte[] digest = sha256().digest((salt + '\u0000' + requestId).getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xFF);
        }
        // Top 53 bits as a double in [0, 1): exact, no rounding up to 1.0.
        return (bits >>> 11) * 0x1.0p-53;
    }

    public double rate() {
        return rate;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime ships SHA-256", e);
        }
    }
}
