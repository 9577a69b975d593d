package dev.pilotlight.common.codec;

/** A record that cannot be read; the message names the problem and goes to the dead-letter topic. */
public class DecodeException extends RuntimeException {
    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
