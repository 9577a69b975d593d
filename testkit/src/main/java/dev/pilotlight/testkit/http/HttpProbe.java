package dev.pilotlight.testkit.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Whether a process we started answers yet: a GET that returns 200 (anything else, or no connection, is "not yet"). */
public final class HttpProbe {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HttpProbe() {}

    public static boolean ok(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
