package dev.pilotlight.common.rules;

import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The event streams a rule can watch, each with the record type whose fields {@code where} and
 * {@code group_by} may name. {@code rejected_commands} are the gateways' dead letters of guard.control
 * (bad signature, expired, replayed): a security event.
 */
public enum RuleStream {
    INVOCATIONS(InvocationEvent.class),
    FEEDBACK(FeedbackEvent.class),
    HEARTBEATS(Heartbeat.class),
    REJECTED_COMMANDS(DeadLetter.class),
    /** Drift scores of the drift module, one per feature, release, reference and window (docs/drift.md). */
    DRIFT(dev.pilotlight.common.event.DriftScore.class);

    private final Class<? extends Record> type;
    /** Read for every event and rule: generated accessors, as fast as a direct call (Method.invoke was 16 % of the matcher). */
    private final Map<String, Function<Object, Object>> accessors = new HashMap<>();

    RuleStream(Class<? extends Record> type) {
        this.type = type;
        for (RecordComponent c : type.getRecordComponents()) {
            accessors.put(c.getName(), reader(type, c.getAccessor()));
        }
    }

    /** {@code record -> record.accessor()} as a lambda, primitives boxed. */
    @SuppressWarnings("unchecked")
    private static Function<Object, Object> reader(Class<?> type, Method accessor) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle target = lookup.unreflect(accessor);
            Class<?> returned = MethodType.methodType(accessor.getReturnType()).wrap().returnType();
            return (Function<Object, Object>) LambdaMetafactory.metafactory(lookup, "apply", MethodType.methodType(Function.class),
                    MethodType.methodType(Object.class, Object.class), target, MethodType.methodType(returned, type)).getTarget().invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read " + accessor.getName() + " of " + type.getSimpleName(), e);
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
            "outputText", "comment", "payload", "reason", "key", "referenceLabel");

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
        Function<Object, Object> read = accessors.get(field);
        if (read == null) {
            throw new IllegalArgumentException("no field '" + field + "' in " + type.getSimpleName());
        }
        return read.apply(record);
    }
}
