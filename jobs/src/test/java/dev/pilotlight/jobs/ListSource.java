package dev.pilotlight.jobs;

import dev.pilotlight.jobs.ingest.Envelope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A bounded source of envelopes for graphs on the MiniCluster (same JVM): the list is registered under a
 * name and served by index, so the generator stays serialisable. Paced, so watermarks advance between
 * records as they would from Kafka.
 */
public final class ListSource {
    private static final Map<String, List<Envelope>> LISTS = new ConcurrentHashMap<>();

    private ListSource() {}

    /** @param items at least one (a generator source of none still asks for its first) */
    public static DataGeneratorSource<Envelope> of(String name, List<Envelope> items, double perSecond) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException(name + ": a list source needs at least one record");
        }
        LISTS.put(name, List.copyOf(items));
        return new DataGeneratorSource<>(new FromList(name), items.size(),
                perSecond > 0 ? RateLimiterStrategy.perSecond(perSecond) : RateLimiterStrategy.noOp(), TypeInformation.of(Envelope.class));
    }

    private record FromList(String name) implements GeneratorFunction<Long, Envelope> {
        @Override
        public Envelope map(Long i) {
            return LISTS.get(name).get(i.intValue());
        }
    }
}
