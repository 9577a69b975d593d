package dev.pilotlight.gateway.review;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.usage.ReviewItem;
import dev.pilotlight.gateway.control.SignedBoard;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.invoke.RecentInvocations;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The thumbs-down review queue (playbook §6, docs/usage.md "Review queue"): a rating that is a thumbs-down or a rejection
 * flags its answer; the item (with the redacted answer when this replica still holds it, and the redacted comment) is
 * signed and published to guard.reviews, which every replica reads (so any of them lists it and can close it); closing
 * publishes the closed copy. Only signed items are shown.
 */
public final class ReviewQueue extends SignedBoard<ReviewItem> {
    private final CommandSigner signer;
    private final EventEmitter events;
    private final RecentInvocations recent;

    public ReviewQueue(CommandSigner signer, EventEmitter events, RecentInvocations recent,
                       BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter) {
        super(Topics.REVIEWS, "review item", ReviewItem.class, ReviewItem::id, ReviewItem::updatedAt, i -> i.withSignature(null), signer,
                deadLetter);
        this.signer = signer;
        this.events = events;
        this.recent = recent;
    }

    /** Flags the answer a thumbs-down or a rejection rated (anything else is not for review). */
    public void flag(FeedbackEvent f, Optional<RecentInvocations.Context> ctx) {
        if (!ReviewItem.flags(f)) {
            return;
        }
        ReviewItem item = new ReviewItem(SchemaVersion.CURRENT, f.invocationId() + "." + f.userId(), f.invocationId(), f.userId(),
                ctx.map(RecentInvocations.Context::route).orElse(null), ctx.map(RecentInvocations.Context::promptVersion).orElse(null),
                ctx.map(RecentInvocations.Context::model).orElse(null), f.timestamp(), f.rating(), f.acceptance(), f.score(), f.comment(),
                recent.answer(f.invocationId()).orElse(null), ReviewItem.Status.OPEN, null, null, null, f.timestamp(), null);
        publish(item);
    }

    /** The open items, newest first. */
    public List<ReviewItem> open() {
        return all(Comparator.comparingLong(ReviewItem::flaggedAt).reversed()).stream().filter(i -> i.status() == ReviewItem.Status.OPEN).toList();
    }

    /** Closes an open item: the closed copy goes to every replica through guard.reviews, and is shown here at once. */
    public ReviewItem close(ReviewItem item, String by, long at, String resolution) {
        ReviewItem closed = item.closed(by, at, resolution);
        publish(closed);
        return closed;
    }

    private void publish(ReviewItem item) {
        ReviewItem signed = signer.sign(item);
        events.emit(Topics.REVIEWS, item.id(), signed);
        show(item);
    }
}
