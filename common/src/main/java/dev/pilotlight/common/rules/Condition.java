package dev.pilotlight.common.rules;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;

/**
 * One test on a field of an event, from a rule's {@code where}, {@code first} or {@code then}:
 * {@code {field: status, op: in, value: [ERROR, TIMEOUT]}}. Numbers compare as numbers, anything
 * else as text; {@code contains} tests a list field (e.g. outputFlags) for one value.
 */
public record Condition(RuleStream stream, String field, Op op, List<String> values) implements Serializable {

    public enum Op {
        EQ("=="), NE("!="), GT(">"), GE(">="), LT("<"), LE("<="), IN("in"), CONTAINS("contains");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        public static Op ofSymbol(String s) {
            for (Op o : values()) {
                if (o.symbol.equals(s)) {
                    return o;
                }
            }
            return null;
        }
    }

    public boolean test(Object record) {
        Object v = stream.read(record, field);
        return switch (op) {
            case EQ -> v != null && matches(v, values.get(0));
            case NE -> v == null || !matches(v, values.get(0));
            case IN -> v != null && values.stream().anyMatch(x -> matches(v, x));
            case CONTAINS -> v instanceof Collection<?> c && c.stream().anyMatch(x -> matches(x, values.get(0)));
            case GT, GE, LT, LE -> v instanceof Number n && compare(n.doubleValue(), Double.parseDouble(values.get(0)));
        };
    }

    private boolean compare(double a, double b) {
        return switch (op) {
            case GT -> a > b;
            case GE -> a >= b;
            case LT -> a < b;
            default -> a <= b;
        };
    }

    private static boolean matches(Object v, String expected) {
        if (v instanceof Number n) {
            try {
                return n.doubleValue() == Double.parseDouble(expected);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return String.valueOf(v).equals(expected);
    }

    /** Whether every condition holds (an empty list always does). */
    public static boolean all(List<Condition> conditions, Object record) {
        for (Condition c : conditions) {
            if (!c.test(record)) {
                return false;
            }
        }
        return true;
    }
}
