package dev.pilotlight.gateway.prompt;

/** USD per million input and output tokens of one model. */
public record Price(double inputPerMillion, double outputPerMillion) {
    public double cost(long inputTokens, long outputTokens) {
        return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
    }
}
