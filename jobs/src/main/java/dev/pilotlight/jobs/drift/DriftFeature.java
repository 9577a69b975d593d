package dev.pilotlight.jobs.drift;

import dev.pilotlight.common.drift.Bins;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.jobs.ingest.Envelope;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the drift module histograms for every prompt release (docs/drift.md, "Features"). Each
 * feature reads one value from an event, or null when the event says nothing about it (an older
 * gateway without the field, a failed call for an output feature, feedback that rates nothing):
 * such events are counted as missing, never as a value.
 */
public enum DriftFeature {
    INPUT_TOKENS(Kind.INPUT, Bins.LENGTHS, e -> answered(e) == null ? null : number(answered(e).inputTokens())),
    INPUT_CHARS(Kind.INPUT, Bins.LENGTHS, e -> called(e) == null ? null : number(called(e).inputChars())),
    QUERY_CLASS(Kind.INPUT, null, e -> called(e) == null ? null : called(e).queryClass()),
    LANGUAGE(Kind.INPUT, null, e -> called(e) == null ? null : called(e).language()),
    INPUT_TOPIC(Kind.INPUT, null, e -> called(e) == null ? null : called(e).inputTopic()),
    OUTPUT_TOKENS(Kind.OUTPUT, Bins.LENGTHS, e -> answered(e) == null ? null : number(answered(e).outputTokens())),
    OUTPUT_CHARS(Kind.OUTPUT, Bins.LENGTHS, e -> answered(e) == null ? null : number(answered(e).outputChars())),
    FINISH_REASON(Kind.OUTPUT, null, e -> answered(e) == null ? null : answered(e).finishReason()),
    REFUSAL(Kind.OUTPUT, null, e -> answered(e) == null ? null : Boolean.toString(answered(e).refusal())),
    FORMAT(Kind.OUTPUT, null, e -> answered(e) == null ? null : flags(answered(e)).contains("schema_invalid") ? "schema_invalid" : "valid"),
    CITATIONS(Kind.OUTPUT, Bins.COUNTS, e -> answered(e) == null ? null
            : number(answered(e).citations() == null ? 0 : answered(e).citations().size())),
    GUARD_FLAGS(Kind.OUTPUT, null, e -> called(e) == null ? null : flags(called(e)).isEmpty() ? "none" : String.join("+", flags(called(e)).stream().sorted().toList())),
    OUTPUT_TOPIC(Kind.OUTPUT, null, e -> answered(e) == null ? null : answered(e).outputTopic()),
    /** Accepted (as is or with minor edits) or not, of feedback stating acceptance. */
    ACCEPTANCE(Kind.PERFORMANCE, null, e -> fb(e) == null || fb(e).acceptance() == null ? null
            : fb(e).acceptance() == FeedbackEvent.Acceptance.ACCEPTED || fb(e).acceptance() == FeedbackEvent.Acceptance.MINOR_EDITS
            ? "accepted" : "not_accepted"),
    THUMBS(Kind.PERFORMANCE, null, e -> fb(e) == null || fb(e).rating() == null ? null : fb(e).rating().name().toLowerCase(Locale.ROOT)),
    EDIT_RATIO(Kind.PERFORMANCE, Bins.SHARES, e -> fb(e) == null ? null : fb(e).editRatio());

    /** Which side of the call a feature describes; performance comes from feedback. */
    public enum Kind {
        INPUT, OUTPUT, PERFORMANCE;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final Bins bins;
    private final Function<Envelope, Object> read;
    /** Computed once: it keys every event's counts (16 features per event). */
    private final String yamlName;

    DriftFeature(Kind kind, Bins bins, Function<Envelope, Object> read) {
        this.kind = kind;
        this.bins = bins;
        this.read = read;
        this.yamlName = name().toLowerCase(Locale.ROOT);
    }

    public Kind kind() {
        return kind;
    }

    /** The fixed bins of a numeric feature; null for a categorical one. */
    public Bins bins() {
        return bins;
    }

    public boolean numeric() {
        return bins != null;
    }

    public String yamlName() {
        return yamlName;
    }

    /** For a two-category performance feature: the category whose share rising is bad; null otherwise. */
    public String badOutcome() {
        return switch (this) {
            case ACCEPTANCE -> "not_accepted";
            case THUMBS -> "down";
            default -> null;
        };
    }

    /** The bin or category the event falls in, or null when the event says nothing about this feature. */
    public String bucketOf(Envelope e) {
        Object v = read.apply(e);
        if (v == null) {
            return null;
        }
        return bins == null ? v.toString() : bins.labelOf(((Number) v).doubleValue());
    }

    /** Whether the event counts for this feature at all (so a missing value can be counted as missing). */
    public boolean concerns(Envelope e) {
        return switch (kind) {
            case INPUT -> e.invocation() != null;
            case OUTPUT -> answered(e) != null;
            case PERFORMANCE -> e.feedback() != null;
        };
    }

    private static InvocationEvent called(Envelope e) {
        return e.invocation();
    }

    /** Output features describe answers: a call the model answered (not refused before it, not failed). */
    private static InvocationEvent answered(Envelope e) {
        InvocationEvent i = e.invocation();
        return i != null && i.status() == InvocationStatus.OK && !i.cacheHit() ? i : null;
    }

    private static FeedbackEvent fb(Envelope e) {
        return e.feedback();
    }

    private static List<String> flags(InvocationEvent i) {
        return i.outputFlags() == null ? List.of() : i.outputFlags();
    }

    private static Double number(long v) {
        return (double) v;
    }
}
