package dev.pilotlight.common.rules;

import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event streams a rule can watch, each with the record type whose fields {@code where} and
 * {@code group_by} may name. {@code rejected_commands} are the gateways' dead letters of guard.control
 * (bad signature, expired, replayed): a security event.
 */
public enum RuleStream {
    INVOCATIONS(InvocationEvent.class),
    FEEDBACK(FeedbackEvent.class),
    HEARTBEATS(Heartbeat.class),
    REJECTED_COMMANDS(DeadLetter.class);

    private final Class<? extends Record> type;
    private final Map<String, Method> accessors = new ConcurrentHashMap<>();

    RuleStream(Class<? extends Record> type) {
        this.type = type;
        for (RecordComponent c : type.getRecordComponents()) {
            accessors.put(c.getName(), c.getAccessor());
        }
    }

    public Class<? extends Record> type() {
        return type;
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RuleStream ofYaml(String s) {
        for (RuleStream r : values()) {
            if (r.yamlName().equals(s)) {
                return r;
            }
        }
        return null;
    }

    public boolean hasField(String field) {
        return accessors.containsKey(field);
    }

    /** Free text and ids: one group per event would grow state without bound. */
    private static final java.util.Set<String> UNBOUNDED = java.util.Set.of("eventId", "invocationId", "inputText",
            "outputText", "comment", "payload", "reason", "key");

    /** Text and enum fields of bounded cardinality: the ones that make sense as group labels. */
    public List<String> groupableFields() {
        return Arrays.stream(type.getRecordComponents())
                .filter(c -> (c.getType() == String.class || c.getType().isEnum()) && !UNBOUNDED.contains(c.getName()))
                .map(RecordComponent::getName).sorted().toList();
    }

    public List<String> fields() {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).sorted().toList();
    }

    /** The value of a field of a record of this stream (null when the record is of another type). */
    public Object read(Object record, String field) {
        if (!type.isInstance(record)) {
            return null;
        }
        Method m = accessors.get(field);
        if (m == null) {
            throw new IllegalArgumentException("no field '" + field + "' in " + type.getSimpleName());
        }
        try {
            return m.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + field + " of " + type.getSimpleName(), e);
        }
    }
}
