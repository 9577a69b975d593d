package dev.pilotlight.gateway.injection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores how much a user message looks like a prompt-injection attempt (playbook §3.C threat 1):
 * instruction overrides, system-prompt extraction, role-play jailbreaks, and payloads hidden in
 * base64 or hex. Each signal has a weight; the score is 1 - Π(1 - w) over the signals found, so
 * several weak signals add up while none reaches 1 alone.
 */
public final class InjectionScorer {
    /** A signal that was found, for logs and the event's flags. */
    public record Finding(String signal, double weight) {}

    /** The score and what made it. */
    public record Result(double score, List<Finding> findings) {}

    /** A pattern, its weight, and words one of which the text must contain for the pattern to be worth running. */
    private record Signal(String name, Pattern pattern, double weight, List<String> triggers) {
        Signal(String name, Pattern pattern, double weight, String... triggers) {
            this(name, pattern, weight, List.of(triggers));
        }

        boolean mayMatch(String lower) {
            for (String t : triggers) {
                if (lower.contains(t)) {
                    return true;
                }
            }
            return false;
        }
    }

    // the triggers keep ordinary text away from the regular expressions, which are most of a call's CPU otherwise
    private static final List<Signal> SIGNALS = List.of(
            new Signal("instruction_override", Pattern.compile(
                    "\\b(ignore|disregard|forget|override|bypass)\\b.{0,40}\\b(previous|prior|above|earlier|all|any|your|the system)\\b.{0,30}\\b(instructions?|rules|prompts?|guidelines|directions)\\b", Pattern.DOTALL), 0.85,
                    "ignore", "disregard", "forget", "override", "bypass"),
            // "New instructions:" in a user message is an attempt to replace the system prompt
            new Signal("new_instructions", Pattern.compile("\\b(new|updated|real)\\s+(instructions|rules|system prompt)\\s*:"), 0.75,
                    "instructions", "rules", "system prompt"),
            new Signal("prompt_extraction", Pattern.compile(
                    "\\b(reveal|show|print|repeat|output|tell me|what (is|are)|leak|dump)\\b.{0,30}\\b(system prompt|initial prompt|hidden (prompt|instructions)|your (instructions|rules|prompt)|the prompt above)\\b", Pattern.DOTALL), 0.8,
                    "prompt", "instructions", "rules"),
            new Signal("role_play", Pattern.compile(
                    "\\b(you are now|from now on,? you|pretend (to be|you are)|act as|roleplay as|simulate)\\b.{0,40}\\b(unrestricted|unfiltered|jailbr(oken|eak)|dan|developer mode|no (rules|restrictions|limits)|evil)\\b", Pattern.DOTALL), 0.75,
                    "you are now", "from now on", "pretend", "act as", "roleplay", "simulate"),
            new Signal("jailbreak_name", Pattern.compile("\\b(dan mode|developer mode enabled|do anything now|jailbreak)\\b"), 0.75,
                    "dan mode", "developer mode", "do anything now", "jailbreak"),
            // a model's own control tokens have no business in a user's text
            new Signal("special_tokens", Pattern.compile("(<\\|?(im_start|im_end|system|endoftext)\\|?>|\\[/?inst\\])"), 0.8,
                    "<", "inst]"),
            new Signal("role_prefix", Pattern.compile("(^| )(system|assistant) ?:( |$)"), 0.5, "system", "assistant"));

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{24,}={0,2}");
    private static final Pattern HEX = Pattern.compile("\\b(?:[0-9a-fA-F]{2}){16,}\\b");

    /**
     * @param text the text to score; callers fold look-alike characters first (ConversationScreen), this
     *             folds whitespace: an instruction split over lines reads as one line
     */
    public Result score(String text) {
        List<Finding> found = new ArrayList<>();
        scan(collapseWhitespace(text).toLowerCase(Locale.ROOT), found, "");
        for (String decoded : decodedPayloads(text)) {
            int before = found.size();
            scan(collapseWhitespace(decoded).toLowerCase(Locale.ROOT), found, "encoded_");
            if (found.size() == before && decoded.chars().filter(Character::isLetter).count() > decoded.length() * 0.6) {
                found.add(new Finding("encoded_text", 0.2)); // readable text hidden in an encoding: weak on its own
            }
        }
        double keep = 1;
        for (Finding f : found) {
            keep *= 1 - f.weight();
        }
        return new Result(1 - keep, found);
    }

    private static void scan(String lower, List<Finding> found, String prefix) {
        for (Signal s : SIGNALS) {
            if (s.mayMatch(lower) && s.pattern().matcher(lower).find()) {
                found.add(new Finding(prefix + s.name(), s.weight()));
            }
        }
    }

    /** Each run of whitespace (newlines included) as one space. */
    static String collapseWhitespace(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space && sb.length() > 0) {
                sb.append(' ');
            }
            space = false;
            sb.append(c);
        }
        return sb.toString();
    }

    /** The longest run of characters from {@code alphabet}: encodings are long runs, ordinary prose is not. */
    private static int longestRun(String text, String alphabet) {
        int best = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            if (alphabet.indexOf(text.charAt(i)) >= 0) {
                best = Math.max(best, ++run);
            } else {
                run = 0;
            }
        }
        return best;
    }

    private static final String BASE64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String HEX_CHARS = "0123456789abcdefABCDEF";

    private static List<String> decodedPayloads(String text) {
        List<String> out = new ArrayList<>();
        if (longestRun(text, BASE64_CHARS) < 24) {
            return out; // no run long enough for either encoding (hex is a subset of base64's alphabet)
        }
        Matcher b = BASE64.matcher(text);
        while (b.find()) {
            try {
                out.add(new String(Base64.getDecoder().decode(b.group()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notBase64) {
                // not a payload
            }
        }
        Matcher h = longestRun(text, HEX_CHARS) >= 32 ? HEX.matcher(text) : HEX.matcher("");
        while (h.find()) {
            byte[] bytes = java.util.HexFormat.of().parseHex(h.group());
            out.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return out;
    }
}
