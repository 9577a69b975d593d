package dev.pilotlight.testkit.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.codec.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 by hand over a socket, for what a well-behaved client cannot send: malformed request
 * lines and escapes, invalid UTF-8, half-sent headers, a chosen source address on loopback.
 */
public final class RawHttp {
    /** A response as read off the wire; {@code json} is null when the body is not JSON. */
    public record Response(int status, String head, byte[] body) {
        public JsonNode json() {
            try {
                return JsonCodec.mapper().readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private RawHttp() {}

    /** A socket to the gateway from {@code source} (any 127.x.y.z works on Linux loopback). */
    public static Socket connect(int port, String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends the bytes on a new connection and reads one response. */
    public static Response exchange(int port, byte[] request) throws IOException {
        try (Socket s = connect(port, "127.0.0.1")) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream());
        }
    }

    /** A request with a JSON body given as bytes (so it may be invalid UTF-8). */
    public static byte[] post(String path, String apiKey, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
                + (apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n")
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    public static byte[] get(String path, String apiKey) {
        return ("GET " + path + " HTTP/1.1\r\nHost: gateway\r\n" + (apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n")
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads a status line, headers, and a body of Content-Length bytes (or to the end of the stream). */
    public static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) { // \r\n\r\n: end of the headers
                break;
            }
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        if (h.isEmpty()) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(h.substring(9, 12));
        Response r = new Response(status, h, new byte[0]);
        String length = r.header("Content-Length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length))
                : "chunked".equals(String.valueOf(r.header("Transfer-Encoding")).toLowerCase(Locale.ROOT)) ? new byte[0] : in.readAllBytes();
        return new Response(status, h, body);
    }

    /** Whether the server closed the connection: a read returns end of stream (or a reset) within the socket timeout. */
    public static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    public static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
