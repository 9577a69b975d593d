package dev.pilotlight.jobs.usage;

/**
 * A tenant's users active on any route over the last 7 and 30 usage days, as {@link CountActiveUsers} tells every
 * route's tally at each refresh and day end: encoded sketches, so the tallies can count distinct users across tenants.
 *
 * @param tenant  "" for calls without one
 * @param weekly  sketch of the last 7 days' users; null with {@code monthly}: the tenant went silent, forget it
 */
public record ActiveUsers(String tenant, long asOf, byte[] weekly, byte[] monthly) {
    boolean gone() {
        return weekly == null && monthly == null;
    }
}
