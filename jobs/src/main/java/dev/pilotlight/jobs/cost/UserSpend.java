package dev.pilotlight.jobs.cost;

/**
 * A user's spend so far today, as the user's account has it after a call: what the spender ranking of
 * the user's tenant keeps (the latest per user).
 *
 * @param quotaUse the largest share of any quota of the user in force (0 without quotas)
 */
public record UserSpend(String tenant, String user, long dayStart, long dayEnd, long micros, long calls, double quotaUse, long at) {

    /** The key of the ranking: one per tenant and day. */
    public String rankingKey() {
        return tenant + "|" + dayStart;
    }
}
