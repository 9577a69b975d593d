package dev.pilotlight.jobs.usage;

import java.util.HashMap;
import java.util.Map;

/**
 * What {@link TallyRoute} keeps of a route besides its days (a Flink POJO, read only at day ends and when a user's
 * month settles): the interventions firing (rule id → when the alert started) and the first-month use counts of its
 * settled users (newest last, at most settled_users_kept).
 */
public class RouteMarks {
    public Map<String, Long> firing = new HashMap<>();
    public int[] settled = new int[0];

    public RouteMarks() {}

    void settle(int uses, int keep) {
        int n = Math.min(settled.length + 1, keep);
        int[] next = new int[n];
        System.arraycopy(settled, settled.length - (n - 1), next, 0, n - 1);
        next[n - 1] = uses;
        settled = next;
    }
}
