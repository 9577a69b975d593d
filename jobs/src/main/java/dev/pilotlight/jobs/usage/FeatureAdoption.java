package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Feature adoption (docs/usage.md): a route's weekly and monthly active users as a share of the users active on any
 * route over the same days — of every tenant for the route's scorecard (the tenants' sketches united, so a user of two
 * tenants counts once), of its tenant for a tenant's. Shares are capped at 1: both sides are sketch estimates.
 */
final class FeatureAdoption {
    private FeatureAdoption() {}

    static Scorecard.Adoption of(Scorecard.Usage usage, String tenant, Iterable<Map.Entry<String, ActiveUsers>> anyRoute) {
        List<byte[]> weekly = new ArrayList<>();
        List<byte[]> monthly = new ArrayList<>();
        for (Map.Entry<String, ActiveUsers> e : anyRoute) {
            if (tenant == null || tenant.equals(e.getKey())) {
                weekly.add(e.getValue().weekly());
                monthly.add(e.getValue().monthly());
            }
        }
        long allWeekly = weekly.isEmpty() ? 0 : Math.round(DistinctSketch.estimate(weekly));
        long allMonthly = monthly.isEmpty() ? 0 : Math.round(DistinctSketch.estimate(monthly));
        return new Scorecard.Adoption(allWeekly, allMonthly, share(usage.wau(), allWeekly), share(usage.mau(), allMonthly));
    }

    private static Double share(long route, long any) {
        return any <= 0 ? null : Math.min(1.0, (double) route / any);
    }
}
