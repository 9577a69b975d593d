package dev.pilotlight.notify.delivery;

/**
 * What a receiver's HTTP status means for the alert: delivered, worth retrying (the receiver is
 * overloaded or broken, 429 and 5xx), or refused for good (any other 4xx or odd status: the
 * message itself is wrong, and sending it again would be refused again).
 */
public enum ReceiverAnswer {
    DELIVERED, RETRY, REFUSED;

    public static ReceiverAnswer of(int status) {
        if (status >= 200 && status < 300) {
            return DELIVERED;
        }
        if (status == 429 || (status >= 500 && status < 600)) {
            return RETRY;
        }
        return REFUSED;
    }
}
