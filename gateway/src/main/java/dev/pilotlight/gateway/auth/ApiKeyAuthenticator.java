package dev.pilotlight.gateway.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves {@code Authorization: Bearer <key>} to a principal. Only SHA-256 hashes of keys are
 * stored (a leaked key file does not leak keys); keys themselves are never logged.
 */
public final class ApiKeyAuthenticator {

    record KeyEntry(@JsonProperty(required = true) String id, @JsonProperty(required = true) String sha256,
                    @JsonProperty(required = true) String user, @JsonProperty(required = true) String tenant,
                    @JsonProperty(required = true) List<String> roles) {}

    record KeyFile(@JsonProperty(required = true) List<KeyEntry> keys) {}

    private final Map<String, Principal> byHash;

    public ApiKeyAuthenticator(Map<String, Principal> byHash) {
        this.byHash = Map.copyOf(byHash);
    }

    public static ApiKeyAuthenticator fromFile(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        KeyFile kf;
        try {
            kf = yaml.readValue(file.toFile(), KeyFile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("API key file " + file + ": " + e.getMessage().split("\n")[0], e);
        }
        Map<String, Principal> m = new HashMap<>();
        for (KeyEntry k : kf.keys()) {
            if (!k.sha256().matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("API key file " + file + ": key '" + k.id() + "' sha256 must be 64 lowercase hex characters");
            }
            EnumSet<Role> roles = EnumSet.noneOf(Role.class);
            for (String r : k.roles()) {
                try {
                    roles.add(Role.valueOf(r.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("API key file " + file + ": key '" + k.id() + "' has unknown role '" + r + "' (user, admin, service)");
                }
            }
            m.put(k.sha256(), new Principal(k.id(), k.user(), k.tenant(), roles));
        }
        return new ApiKeyAuthenticator(m);
    }

    /** The principal for an Authorization header value, if the key is known. */
    public Optional<Principal> authenticate(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String key = authorizationHeader.substring(7).trim();
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byHash.get(sha256(key)));
    }

    /** One digest per thread: looking the algorithm up among the security providers costs more than hashing a key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    public static String sha256(String key) {
        return HexFormat.of().formatHex(SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8))); // digest() resets it
    }
}
