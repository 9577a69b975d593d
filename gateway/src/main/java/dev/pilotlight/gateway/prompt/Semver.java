package dev.pilotlight.gateway.prompt;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MAJOR.MINOR.PATCH, as the playbook asks prompt versions to be. */
public record Semver(int major, int minor, int patch) implements Comparable<Semver> {
    private static final Pattern P = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");

    public static Semver parse(String s) {
        Matcher m = s == null ? null : P.matcher(s);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a semantic version MAJOR.MINOR.PATCH");
        }
        return new Semver(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    @Override
    public int compareTo(Semver o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
