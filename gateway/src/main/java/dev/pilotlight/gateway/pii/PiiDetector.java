package dev.pilotlight.gateway.pii;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in text: e-mail addresses, phone numbers, US social security numbers,
 * payment cards (Luhn-checked), IBANs (mod-97-checked) and IPv4/IPv6 addresses, in the formats
 * people write them (separators or none, E.164, lower-case IBANs, dotted cards). Checksums keep
 * order numbers and amounts from being taken for cards or IBANs. Overlaps go to the longest match.
 * Callers search normalised text (TextFold.normalize: full-width digits, zero-width characters);
 * recall and precision on a generated corpus are in docs/security.md.
 */
public final class PiiDetector {
    /** One finding: where it is in the text and what it is. */
    public record Span(int start, int end, PiiKind kind, String value) {}

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /** With dashes, spaces or nothing between the groups; the SSA's rules leave out 000, 666, 9xx areas and 00 / 0000 parts. */
    private static final Pattern SSN = Pattern.compile(
            "(?=[0-9])(?<![\\w.+-])(?!000|666|9\\d\\d)\\d{3}([- ]?)(?!00)\\d{2}\\1(?!0000)\\d{4}(?![\\w-]|[.,]\\d)");
    private static final Pattern CARD = Pattern.compile("(?=[0-9])\\b(?:\\d[ .-]?){12,18}\\d\\b");
    /** Upper or lower case, groups of four separated by spaces, dashes or nothing. */
    private static final Pattern IBAN = Pattern.compile(
            "(?i)(?=[A-Z]{2}[0-9]{2})\\b[A-Z]{2}\\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\\b");
    private static final Pattern IPV4 = Pattern.compile("(?=[0-9])\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b");
    private static final Pattern IPV6 = Pattern.compile("(?<![:\\w])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![:\\w])|(?<![:\\w])(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:?){0,5}[0-9A-Fa-f]{1,4}(?![:\\w])");
    /**
     * Grouped numbers (an optional +country code, an area code in parentheses or not, groups split by
     * spaces, dots or dashes; not glued to a word by a dash, as in CLM-2024-001873), E.164 without separators (+12125550147), and North American numbers
     * written as ten digits (2125550147: area and exchange codes start with 2-9).
     */
    private static final Pattern PHONE = Pattern.compile("(?=[+(0-9])(?:(?<![\\w+])(?<!\\w[-/])(?<!\\d[ .])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{2,4}\\)[ .-]?|\\d{2,4}[ .-])\\d{3,4}[ .-]?\\d{3,4}(?!\\w)(?![ .-]\\d)"
            + "|(?<![\\w+])\\+[1-9]\\d{7,14}(?!\\w)"
            + "|(?<![\\w+./-])1?[2-9]\\d{2}[2-9]\\d{6}(?!\\w)(?![.,-]\\d))");

    /**
     * Non-digit characters a number-shaped finding may hold between two of its digits (an IBAN's
     * alphabetic bank code with its spaces, "1234 ABCD EFGH 5678", is the widest) and around them
     * (a phone's "+" and "(", an IBAN's country code).
     */
    static final int DIGIT_GAP = 12;

    /** Which kind a span is when two kinds match the same characters: the one with the stronger evidence. */
    private static final List<PiiKind> PRIORITY = List.of(PiiKind.CARD, PiiKind.IBAN, PiiKind.EMAIL, PiiKind.IP, PiiKind.SSN, PiiKind.PHONE);

    /** Earliest first, then longest, then the kind with the stronger evidence (checksums before patterns). */
    private static final Comparator<Span> EARLIEST_LONGEST_STRONGEST = Comparator.comparingInt(Span::start)
            .thenComparing(Comparator.comparingInt((Span s) -> s.end() - s.start()).reversed())
            .thenComparingInt(s -> PRIORITY.indexOf(s.kind()));

    public List<Span> find(String text) {
        return find(text, digitClusters(text), true);
    }

    /** The same search over the whole text: the reference the clustered search must agree with (tests). */
    List<Span> findInWholeText(String text) {
        return find(text, text.chars().anyMatch(Character::isDigit) ? List.of(new int[] {0, text.length()}) : List.of(), false);
    }

    /**
     * @param clustered e-mails searched around each '@', IPv6 addresses in runs of hex digits and colons, SSNs and IBANs
     *                  only in regions with their shape (else every pattern over the whole text: the reference)
     */
    private List<Span> find(String text, List<int[]> numberRegions, boolean clustered) {
        // one cheap pass decides which patterns can match at all: most text has no '@', few ':' ...
        int colons = 0;
        boolean at = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                colons++;
            } else if (c == '@') {
                at = true;
            }
        }
        List<Span> all = new ArrayList<>();
        if (at && clustered) {
            addEmails(all, text);
        } else if (at) {
            add(all, EMAIL, PiiKind.EMAIL, text, 0, text.length(), null);
        }
        // number-shaped kinds only where digits are: the patterns run over a few short regions
        // instead of the whole prompt (they were most of the gateway's own CPU per request)
        for (int[] r : numberRegions) {
            int digits = 0;
            int dots = 0;
            for (int i = r[0]; i < r[1]; i++) {
                char c = text.charAt(i);
                if (c >= '0' && c <= '9') {
                    digits++;
                } else if (c == '.') {
                    dots++;
                }
            }
            if (digits >= 9) {
                // a phone number is the common case: SSN and IBAN patterns only where their shape is
                if (!clustered || hasSsnShape(text, r[0], r[1])) {
                    add(all, SSN, PiiKind.SSN, text, r[0], r[1], null);
                }
                add(all, PHONE, PiiKind.PHONE, text, r[0], r[1], s -> digits(s) >= 9);
                if (!clustered || hasIbanStart(text, r[0], r[1])) {
                    addIbans(all, text, r[0], r[1]);
                }
            }
            if (digits >= 13) {
                add(all, CARD, PiiKind.CARD, text, r[0], r[1], PiiDetector::luhn);
            }
            if (digits >= 4 && dots >= 3) {
                add(all, IPV4, PiiKind.IP, text, r[0], r[1], null);
            }
        }
        if (colons >= 2 && clustered) {
            // an IPv6 address is made of hex digits and colons only, so it lies within one such run: prose is full of
            // colons ("Claim:", "10:30"), and the pattern tried at every position of a prompt was the guard's top cost
            for (int[] r : hexColonRuns(text)) {
                add(all, IPV6, PiiKind.IP, text, r[0], r[1], null);
            }
        } else if (colons >= 2) {
            add(all, IPV6, PiiKind.IP, text, 0, text.length(), null);
        }
        all.sort(EARLIEST_LONGEST_STRONGEST);
        List<Span> kept = new ArrayList<>();
        int covered = -1;
        for (Span s : all) {
            if (s.start() >= covered) {
                kept.add(s);
                covered = s.end();
            }
        }
        return kept;
    }

    /**
     * Whether [from, to) holds three digits, two and four, split by nothing or twice by the same dash or
     * space: the core every SSN match has (its look-arounds only narrow it further).
     */
    static boolean hasSsnShape(String text, int from, int to) {
        for (int i = from; i + 9 <= to; i++) { // i + 9 <= to: the characters at i .. i + 8 are all in the region
            if (digitsAt(text, i, 9, to)) {
                return true;
            }
            char sep = text.charAt(i + 3);
            if ((sep == '-' || sep == ' ') && digitsAt(text, i, 3, to) && digitsAt(text, i + 4, 2, to) && text.charAt(i + 6) == sep
                    && digitsAt(text, i + 7, 4, to)) {
                return true;
            }
        }
        return false;
    }

    /** Whether [from, to) holds two ASCII letters followed by two digits: where every IBAN starts. */
    static boolean hasIbanStart(String text, int from, int to) {
        for (int i = from; i + 4 <= to; i++) {
            if (isAsciiLetter(text.charAt(i)) && isAsciiLetter(text.charAt(i + 1)) && digitsAt(text, i + 2, 2, to)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** Whether the {@code n} characters from {@code at} are ASCII digits, all before {@code to}. */
    private static boolean digitsAt(String text, int at, int n, int to) {
        if (at + n > to) {
            return false;
        }
        for (int i = at; i < at + n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * E-mail addresses found around each '@' only: from the start of the run of local-part characters
     * before it to the end of the run of domain characters after it. Each address holds exactly one
     * '@' and neither run can hold another, so this finds what the pattern finds over the whole text,
     * without trying it at every position of a long prompt.
     */
    private static void addEmails(List<Span> out, String text) {
        Matcher m = EMAIL.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        int searchedTo = 0; // like a whole-text search, the next match starts after the last one ended
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            int start = at;
            while (start > 0 && isLocalPart(text.charAt(start - 1))) {
                start--;
            }
            int end = at + 1;
            while (end < text.length() && isDomain(text.charAt(end))) {
                end++;
            }
            start = Math.max(start, searchedTo);
            if (start < at && m.region(start, end).find()) {
                out.add(new Span(m.start(), m.end(), PiiKind.EMAIL, m.group()));
                searchedTo = m.end();
            }
        }
    }

    private static boolean isLocalPart(char c) {
        return isDomain(c) || c == '_' || c == '%' || c == '+';
    }

    private static boolean isDomain(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    }

    /** Maximal runs [start, end) of hex digits and colons holding at least two colons: where an IPv6 address can be. */
    static List<int[]> hexColonRuns(String text) {
        List<int[]> out = new ArrayList<>();
        int start = -1;
        int colons = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (hex || c == ':') {
                if (start < 0) {
                    start = i;
                    colons = 0;
                }
                colons += c == ':' ? 1 : 0;
            } else if (start >= 0) {
                if (colons >= 2) {
                    out.add(new int[] {start, i});
                }
                start = -1;
            }
        }
        return out;
    }

    /**
     * Regions [start, end) around runs of digits, where digits at most {@link #DIGIT_GAP} characters
     * apart belong to one run, widened by that gap on each side and merged when they touch.
     */
    static List<int[]> digitClusters(String text) {
        List<int[]> out = new ArrayList<>();
        int first = -1;
        int last = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            if (first >= 0 && i - last - 1 > DIGIT_GAP) {
                addRegion(out, text, first, last);
                first = -1;
            }
            if (first < 0) {
                first = i;
            }
            last = i;
        }
        if (first >= 0) {
            addRegion(out, text, first, last);
        }
        return out;
    }

    private static void addRegion(List<int[]> out, String text, int firstDigit, int lastDigit) {
        int start = Math.max(0, firstDigit - DIGIT_GAP);
        int end = Math.min(text.length(), lastDigit + 1 + DIGIT_GAP);
        if (!out.isEmpty() && out.get(out.size() - 1)[1] >= start) {
            out.get(out.size() - 1)[1] = end;
        } else {
            out.add(new int[] {start, end});
        }
    }

    private static void add(List<Span> out, Pattern p, PiiKind kind, String text, int from, int to,
                            java.util.function.Predicate<String> check) {
        // transparent bounds: word boundaries and look-behinds see the characters around the region, as in the whole text
        Matcher m = p.matcher(text).region(from, to).useTransparentBounds(true).useAnchoringBounds(false);
        while (m.find()) {
            if (check == null || check.test(m.group())) {
                out.add(new Span(m.start(), m.end(), kind, m.group()));
            }
        }
    }

    /**
     * IBANs: a candidate whose checksum fails may have taken a word after it as a last group ("... 1035
     * and"): shorter readings are tried before the search moves past it.
     */
    private static void addIbans(List<Span> out, String text, int from, int to) {
        Matcher m = IBAN.matcher(text).region(from, to).useTransparentBounds(true).useAnchoringBounds(false);
        while (m.find()) {
            String candidate = m.group();
            for (int end = candidate.length(); end >= 15; end = lastGroupStart(candidate, end)) {
                String c = candidate.substring(0, end);
                if (ibanChecksum(c)) {
                    out.add(new Span(m.start(), m.start() + end, PiiKind.IBAN, c));
                    break;
                }
            }
        }
    }

    /** Where the last group of {@code candidate[0, end)} starts (at its separator, if it has one). */
    private static int lastGroupStart(String candidate, int end) {
        int sep = Math.max(candidate.lastIndexOf(' ', end - 1), candidate.lastIndexOf('-', end - 1));
        return sep > 4 ? sep : end - 4;
    }

    private static int digits(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c >= '0' && c <= '9' ? 1 : 0;
        }
        return n;
    }

    static boolean luhn(String candidate) {
        String digits = candidate.replaceAll("[ .-]", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean dbl = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    static boolean ibanChecksum(String candidate) {
        String iban = candidate.replaceAll("[ -]", "").toUpperCase(java.util.Locale.ROOT);
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String moved = iban.substring(4) + iban.substring(0, 4);
        StringBuilder numeric = new StringBuilder();
        for (char c : moved.toCharArray()) {
            numeric.append(Character.isLetter(c) ? String.valueOf(c - 'A' + 10) : String.valueOf(c));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}
