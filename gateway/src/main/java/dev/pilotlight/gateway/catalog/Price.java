package dev.pilotlight.gateway.catalog;

/** USD per million input and output tokens of one model. */
public record Price(double inputPerMillion, double outputPerMillion) {
    public static final Price UNKNOWN = new Price(0, 0);

    public double cost(long inputTokens, long outputTokens) {
        return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
    }
}
