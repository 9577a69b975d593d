package dev.pilotlight.common.rules;

import java.io.Serializable;
import java.time.Duration;

/**
 * What a relative threshold compares against; the rule's threshold is then a factor
 * ({@code value > 2.0 × baseline}). Baselines are built from the rule's own past windows.
 *
 * @param kind   {@code moving_average}: the mean of the windows that ended within {@code span} before
 *               the current one; {@code offset}: the window that ended {@code span} earlier (yesterday);
 *               {@code previous_release}: the same ratio over every call the job has seen of the
 *               version this release replaced (span unused)
 */
public record Baseline(Kind kind, Duration span) implements Serializable {
    public enum Kind { MOVING_AVERAGE, OFFSET, PREVIOUS_RELEASE }

    /** How many past windows of the rule must be kept to compute this baseline. */
    public int windowsKept(Duration window) {
        return span == null ? 0 : (int) Math.max(1, span.toMillis() / window.toMillis());
    }
}
