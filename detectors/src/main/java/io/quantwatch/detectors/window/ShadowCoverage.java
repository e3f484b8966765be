package io.quantwatch.detectors.window;

/**
 * How much of a window's traffic the shadow stage covered: prompts offered to it (sampled in), prompts
 * it shadowed (the rest were shed for capacity), and of those the comparisons lost to a timeout or an
 * error. {@code prompts} of the window (the comparisons its figures come from) is
 * {@code shadowed − timeouts − errors − skipped}.
 */
public record ShadowCoverage(long offered, long shadowed, long timeouts, long errors) {
    public static final ShadowCoverage NONE = new ShadowCoverage(0, 0, 0, 0);

    /** Prompts offered but shed because the shadow stage was at capacity. */
    public long shed() {
        return offered - shadowed;
    }
}
