package dev.pilotlight.gateway.injection;

import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.catalog.Guards;
import dev.pilotlight.gateway.invoke.Source;
import dev.pilotlight.gateway.limits.Rejected;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.text.TextFold;
import java.util.ArrayList;
import java.util.List;

/**
 * The injection screen of one call: the route's policy for the caller's own system or developer
 * messages, then the injection score of every message the caller wrote (any role: a caller can
 * forge assistant turns too), of the conversation read as one text (an instruction split across
 * lines or messages), and of the retrieved sources and tool results (indirect injection). Scores are taken on the
 * text with look-alike characters folded (TextFold), so zero-width, full-width or Cyrillic letters
 * do not hide an attack.
 */
public final class ConversationScreen {
    /** The conversation to send (caller system messages demoted when the route says so) and its scores. */
    public record Verdict(List<ChatTurn> turns, double score, double indirectScore, List<InjectionScorer.Finding> findings) {}

    private final InjectionScorer scorer = new InjectionScorer();

    /**
     * @param routed the call goes through a route, whose released system prompt must lead
     * @throws Rejected when the route refuses caller system messages and the call has one
     */
    public Verdict screen(List<ChatTurn> turns, List<Source> sources, Guards guards, boolean routed) {
        List<ChatTurn> out = applyCallerSystemPolicy(turns, routed ? guards.callerSystem() : "allow");
        if (guards.injection().equals("off")) {
            return new Verdict(out, 0, 0, List.of());
        }
        List<InjectionScorer.Finding> findings = new ArrayList<>();
        double score = 0;
        double indirect = 0;
        StringBuilder whole = new StringBuilder();
        int written = 0;
        for (ChatTurn t : out) {
            String folded = TextFold.foldLookalikes(t.content());
            if (t.role() == ChatTurn.Role.TOOL) { // a tool's result is data the model reads, as a source is
                indirect = Math.max(indirect, keep(scorer.score(folded), findings));
                continue;
            }
            score = Math.max(score, keep(scorer.score(folded), findings));
            whole.append(folded).append('\n');
            written++;
        }
        if (written > 1) {
            score = Math.max(score, keep(scorer.score(whole.toString()), findings));
        }
        for (Source s : sources) {
            indirect = Math.max(indirect, keep(scorer.score(TextFold.foldLookalikes(s.text())), findings));
        }
        return new Verdict(out, score, indirect, findings);
    }

    private static double keep(InjectionScorer.Result r, List<InjectionScorer.Finding> findings) {
        findings.addAll(r.findings());
        return r.score();
    }

    /** refuse: 400; demote: the caller's system text goes as a user message, under the route's prompt; allow: as sent. */
    static List<ChatTurn> applyCallerSystemPolicy(List<ChatTurn> turns, String policy) {
        if (policy.equals("allow") || turns.stream().noneMatch(t -> t.role() == ChatTurn.Role.SYSTEM)) {
            return turns;
        }
        if (policy.equals("refuse")) {
            throw new Rejected(InvocationStatus.BLOCKED_INPUT, 400, "caller_system_message_refused",
                    "this route does not take system or developer messages: its released prompt sets the instructions", null);
        }
        List<ChatTurn> out = new ArrayList<>(turns.size());
        for (ChatTurn t : turns) {
            out.add(t.role() == ChatTurn.Role.SYSTEM ? new ChatTurn(ChatTurn.Role.USER, t.content()) : t);
        }
        return out;
    }
}
