package dev.pilotlight.gateway.http;

/** A caller's value quoted back in an error message, cut short: an error must not echo a 900 KB model name. */
public final class Echo {
    static final int MAX_CHARS = 64;

    private Echo() {}

    public static String of(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 24);
        int n = 0;
        for (int i = 0; i < value.length() && n < MAX_CHARS; i++, n++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c); // no control characters into logs or clients
        }
        if (value.length() > MAX_CHARS) {
            sb.append("… (").append(value.length()).append(" characters)");
        }
        return sb.toString();
    }
}
