package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parses a request body strictly: valid UTF-8 only (overlong forms and lone surrogates refused),
 * one JSON object, no duplicate keys, nothing after it, and limits on nesting, number length and
 * names. Every refusal is a 400 that names the problem and the limit (docs/security.md).
 */
public final class JsonBody {
    public static final int MAX_NESTING = 64;
    public static final int MAX_NUMBER_CHARS = 64;
    public static final int MAX_NAME_CHARS = 256;

    private static final ObjectMapper STRICT = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_CHARS).maxNameLength(MAX_NAME_CHARS).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBody() {}

    public static JsonNode parseObject(byte[] body) {
        requireUtf8(body);
        JsonNode n;
        try {
            n = STRICT.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiError.badRequest(null, limitMessage(e.getOriginalMessage()));
        } catch (JsonParseException e) {
            String m = e.getOriginalMessage();
            throw ApiError.badRequest(null, m != null && m.startsWith("Duplicate field")
                    ? "request body has a duplicate key: " + Echo.of(m.substring("Duplicate field ".length()))
                    : "request body is not valid JSON (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw ApiError.badRequest(null, "request body is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw ApiError.badRequest(null, "request body must be a JSON object");
        }
        return n;
    }

    /** Jackson's constraint messages, in words that name the limit. */
    private static String limitMessage(String m) {
        String s = m == null ? "" : m;
        if (s.contains("nesting depth")) {
            return "request JSON nests deeper than " + MAX_NESTING + " levels";
        }
        if (s.contains("Number value length") || s.contains("number length")) {
            return "a number in the request JSON is longer than " + MAX_NUMBER_CHARS + " characters";
        }
        if (s.contains("Name length")) {
            return "a key in the request JSON is longer than " + MAX_NAME_CHARS + " characters";
        }
        return "request JSON exceeds a parser limit: " + Echo.of(s);
    }

    private static void requireUtf8(byte[] body) {
        for (byte b : body) {
            if (b < 0) { // a byte above 0x7f: decode to check it (ASCII alone is always valid UTF-8)
                decodeStrictly(body);
                return;
            }
        }
    }

    private static void decodeStrictly(byte[] body) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(Math.min(body.length, 8192) + 1);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isError()) {
                throw ApiError.badRequest(null, "request body is not valid UTF-8 (byte " + in.position() + ")");
            }
            if (r.isUnderflow()) {
                break;
            }
            out.clear(); // overflow: only validity matters, the text is parsed below
        }
        CoderResult r = d.flush(out);
        if (r.isError()) {
            throw ApiError.badRequest(null, "request body is not valid UTF-8 (ends inside a character)");
        }
    }
}
