package dev.pilotlight.gateway.pii;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * A generated corpus for measuring the PII detector: for each kind, values in the formats people
 * write them (separators or none, E.164, lower case, dotted, full-width digits, zero-width
 * characters inside), each placed in a sentence of claims text; and ordinary claims text full of
 * numbers that are not personal data (claim and policy numbers, amounts, dates, clauses, VINs).
 * Seeded: the same corpus every run.
 */
final class PiiCorpus {
    /** One generated text and the value it hides (null for negatives). */
    record Item(PiiKind kind, String value, String text, String format) {}

    private static final String[] BEFORE = {"Please contact the claimant at ", "Insured's details on file: ", "Pay the settlement to ",
            "The adjuster noted ", "Per the police report, reference ", "Customer wrote: reach me via ", "Update record with "};
    private static final String[] AFTER = {" before Friday.", ", thanks.", " and close the claim.", " (confirmed by phone).",
            ". Rear-end collision, clause 4.2 applies.", " regarding claim CLM-2024-001873.", ""};

    private final Random random;

    PiiCorpus(long seed) {
        this.random = new Random(seed);
    }

    List<Item> positives(PiiKind kind, int n) {
        List<Item> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String[] valueAndFormat = switch (kind) {
                case EMAIL -> email();
                case PHONE -> phone();
                case SSN -> ssn();
                case CARD -> card();
                case IBAN -> iban();
                case IP -> ip();
            };
            String value = obfuscate(valueAndFormat);
            out.add(new Item(kind, value, pick(BEFORE) + value + pick(AFTER), valueAndFormat[1]));
        }
        return out;
    }

    /** Claims text with many numbers and none of them personal data. */
    List<Item> negatives(int n) {
        List<Function<Random, String>> makers = List.of(
                r -> "Claim CLM-" + (2020 + r.nextInt(6)) + "-" + String.format("%06d", r.nextInt(1_000_000)) + " was approved.",
                r -> "Policy POL-" + (10000 + r.nextInt(90000)) + " covers the vehicle.",
                r -> "Repair estimate $" + (1 + r.nextInt(40)) + "," + String.format("%03d", r.nextInt(1000)) + "." + String.format("%02d", r.nextInt(100)) + " approved.",
                r -> "Accident on " + (2020 + r.nextInt(6)) + "-" + String.format("%02d", 1 + r.nextInt(12)) + "-" + String.format("%02d", 1 + r.nextInt(28)) + " at "
                        + r.nextInt(24) + ":" + String.format("%02d", r.nextInt(60)) + ".",
                r -> "Clause " + (1 + r.nextInt(9)) + "." + (1 + r.nextInt(9)) + "." + (1 + r.nextInt(9)) + " applies; deductible " + (1 + r.nextInt(50)) + "%.",
                r -> "VIN 1HGCM8" + String.format("%05d", r.nextInt(100_000)) + "A00" + String.format("%04d", r.nextInt(10_000)) + " recorded.",
                r -> "Invoice INV " + (2020 + r.nextInt(6)) + " " + String.format("%05d", r.nextInt(100_000)) + " paid in " + (1 + r.nextInt(12)) + " installments.",
                r -> "Mileage " + (10_000 + r.nextInt(190_000)) + " km, " + (2 + r.nextInt(6)) + " passengers, speed " + (20 + r.nextInt(100)) + " km/h.",
                r -> "Order #A-" + (10_000 + r.nextInt(90_000)) + " shipped to depot " + (100 + r.nextInt(900)) + ".",
                r -> "Version " + r.nextInt(5) + "." + r.nextInt(20) + "." + r.nextInt(50) + " of the form, page " + (1 + r.nextInt(30)) + " of 30.",
                r -> "Total loss threshold 75% of $" + (5 + r.nextInt(90)) + "000; salvage " + (100 + r.nextInt(900)) + " USD.",
                r -> "Reference " + (10_000_000 + r.nextInt(89_999_999)) + " (8 digits) in the ledger.");
        List<Item> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Item(null, null, makers.get(random.nextInt(makers.size())).apply(random), "claims text"));
        }
        return out;
    }

    /**
     * Bare nine- and ten-digit identifiers ("claim number 482913577"): shaped exactly like an SSN or a
     * North American phone number written without separators, so they are redacted too (by design:
     * placeholders are restored for the caller, a leaked SSN is not). Measured apart from {@link #negatives}.
     */
    List<Item> bareNumbers(int n) {
        List<Item> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String digits = random.nextBoolean()
                    ? String.format("%03d%06d", 100 + random.nextInt(500), random.nextInt(1_000_000))
                    : String.format("%d%09d", 2 + random.nextInt(7), random.nextInt(1_000_000_000));
            out.add(new Item(null, null, "Claim number " + digits + " was reopened.", "bare number"));
        }
        return out;
    }

    private String[] email() {
        String[] first = {"jane", "j.doe", "mario.rossi", "li_wei", "o'neil", "anna-maria", "k.smith+claims", "x9"};
        String[] domains = {"example.com", "mail.example.co.uk", "insurer-group.de", "post.example.org", "EXAMPLE.NET"};
        String local = pick(first).replace("'", "") + (random.nextBoolean() ? String.valueOf(random.nextInt(100)) : "");
        String value = local + "@" + pick(domains);
        return random.nextInt(4) == 0 ? new String[] {value.toUpperCase(Locale.ROOT), "upper case"} : new String[] {value, "plain"};
    }

    private String[] phone() {
        int area = 201 + random.nextInt(780);
        int exchange = 200 + random.nextInt(799);
        String line = String.format("%04d", random.nextInt(10_000));
        return switch (random.nextInt(10)) {
            case 0 -> new String[] {"(" + area + ") " + exchange + "-" + line, "(area) xxx-xxxx"};
            case 1 -> new String[] {area + "-" + exchange + "-" + line, "xxx-xxx-xxxx"};
            case 2 -> new String[] {area + "." + exchange + "." + line, "dotted"};
            case 3 -> new String[] {area + " " + exchange + " " + line, "spaced"};
            case 4 -> new String[] {"" + area + exchange + line, "no separators"};
            case 5 -> new String[] {"+1" + area + exchange + line, "E.164"};
            case 6 -> new String[] {"+1 " + area + " " + exchange + " " + line, "+1 spaced"};
            case 7 -> new String[] {"+44 20 " + (7000 + random.nextInt(2000)) + " " + line, "+44 spaced"};
            case 8 -> new String[] {"+4420" + (7000 + random.nextInt(2000)) + line, "E.164 UK"};
            default -> new String[] {"+49 30 " + (100_000 + random.nextInt(900_000)) + (random.nextInt(10)), "+49"};
        };
    }

    private String[] ssn() {
        int area;
        do {
            area = 1 + random.nextInt(899);
        } while (area == 666);
        String a = String.format("%03d", area);
        String g = String.format("%02d", 1 + random.nextInt(99));
        String s = String.format("%04d", 1 + random.nextInt(9999));
        return switch (random.nextInt(3)) {
            case 0 -> new String[] {a + "-" + g + "-" + s, "dashed"};
            case 1 -> new String[] {a + " " + g + " " + s, "spaced"};
            default -> new String[] {a + g + s, "no separators"};
        };
    }

    private String[] card() {
        boolean amex = random.nextInt(5) == 0;
        String prefix = amex ? (random.nextBoolean() ? "34" : "37") : (random.nextBoolean() ? "4" : "5" + (1 + random.nextInt(5)));
        int length = amex ? 15 : 16;
        StringBuilder digits = new StringBuilder(prefix);
        while (digits.length() < length - 1) {
            digits.append(random.nextInt(10));
        }
        digits.append(luhnDigit(digits.toString()));
        String d = digits.toString();
        String sep = switch (random.nextInt(4)) {
            case 0 -> " ";
            case 1 -> "-";
            case 2 -> ".";
            default -> "";
        };
        String grouped = amex ? d.substring(0, 4) + sep + d.substring(4, 10) + sep + d.substring(10)
                : d.substring(0, 4) + sep + d.substring(4, 8) + sep + d.substring(8, 12) + sep + d.substring(12);
        return new String[] {grouped, sep.isEmpty() ? "no separators" : "separator '" + sep + "'"};
    }

    private String[] iban() {
        String[][] countries = {{"DE", "18"}, {"GB", "BANK14"}, {"FR", "23"}, {"NL", "BANK10"}, {"ES", "20"}, {"IT", "X22"}};
        String[] c = pick(countries);
        StringBuilder bban = new StringBuilder();
        String spec = c[1];
        int digits = Integer.parseInt(spec.replaceAll("\\D", ""));
        for (char letter : spec.replaceAll("\\d", "").toCharArray()) {
            bban.append((char) ('A' + random.nextInt(26)));
        }
        for (int i = 0; i < digits; i++) {
            bban.append(random.nextInt(10));
        }
        String check = checkDigits(c[0], bban.toString());
        String compact = c[0] + check + bban;
        StringBuilder spaced = new StringBuilder();
        String sep = random.nextBoolean() ? " " : "-";
        for (int i = 0; i < compact.length(); i += 4) {
            spaced.append(i == 0 ? "" : sep).append(compact, i, Math.min(compact.length(), i + 4));
        }
        return switch (random.nextInt(4)) {
            case 0 -> new String[] {compact, "compact"};
            case 1 -> new String[] {spaced.toString(), "groups '" + sep + "'"};
            case 2 -> new String[] {compact.toLowerCase(Locale.ROOT), "lower case"};
            default -> new String[] {spaced.toString().toLowerCase(Locale.ROOT), "lower case groups"};
        };
    }

    private String[] ip() {
        if (random.nextBoolean()) {
            return new String[] {(1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254)), "IPv4"};
        }
        StringBuilder v6 = new StringBuilder("2001:db8");
        for (int i = 0; i < 6; i++) {
            v6.append(':').append(Integer.toHexString(random.nextInt(65536)));
        }
        return new String[] {v6.toString(), "IPv6"};
    }

    /** A quarter of the values written with full-width digits or a zero-width character inside. */
    private String obfuscate(String[] valueAndFormat) {
        String v = valueAndFormat[0];
        return switch (random.nextInt(8)) {
            case 0 -> {
                valueAndFormat[1] += ", full-width";
                StringBuilder sb = new StringBuilder();
                v.chars().forEach(ch -> sb.append(ch >= '0' && ch <= '9' ? (char) ('\uFF10' + (ch - '0')) : (char) ch));
                yield sb.toString();
            }
            case 1 -> {
                valueAndFormat[1] += ", zero-width inside";
                int at = 1 + random.nextInt(v.length() - 2);
                yield v.substring(0, at) + "\u200B" + v.substring(at);
            }
            default -> v;
        };
    }

    private static int luhnDigit(String partial) {
        int sum = 0;
        boolean dbl = true;
        for (int i = partial.length() - 1; i >= 0; i--) {
            int d = partial.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return (10 - sum % 10) % 10;
    }

    private static String checkDigits(String country, String bban) {
        StringBuilder numeric = new StringBuilder();
        for (char ch : (bban + country + "00").toCharArray()) {
            numeric.append(Character.isLetter(ch) ? String.valueOf(ch - 'A' + 10) : String.valueOf(ch));
        }
        int check = 98 - new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
        return String.format("%02d", check);
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }
}
