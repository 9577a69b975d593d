package dev.pilotlight.local.cli;

import java.time.Duration;
import dev.pilotlight.common.DurationText;
import picocli.CommandLine;

/** A duration option (5s, 90m, 7d), parsed as the settings files parse them. */
final class DurationArg implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return DurationText.parse(value);
    }
}
