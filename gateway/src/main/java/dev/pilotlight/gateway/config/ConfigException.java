package dev.pilotlight.gateway.config;

import java.util.List;

/** Invalid configuration: the gateway refuses to start and says every reason at once. */
public class ConfigException extends RuntimeException {
    public ConfigException(List<String> errors) {
        super("invalid gateway configuration:\n  " + String.join("\n  ", errors));
    }
}
