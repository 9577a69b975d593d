package dev.pilotlight.common.event;

/** Version written into every record's {@code schemaVersion}; readers accept this one and older. */
public final class SchemaVersion {
    public static final int CURRENT = 1;

    private SchemaVersion() {}
}
