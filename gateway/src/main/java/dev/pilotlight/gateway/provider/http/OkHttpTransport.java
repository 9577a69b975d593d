package dev.pilotlight.gateway.provider.http;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * langchain4j's HTTP transport over OkHttp (translated providers). A plain call runs on the calling thread with a
 * blocking socket from a shared keep-alive pool: no hand-off to selector and executor threads, as
 * the JDK {@code HttpClient} does for every call (the largest CPU cost of a gateway call after the
 * guards; docs/benchmarks.md). Streams are read on OkHttp's dispatcher threads, as langchain4j expects.
 * Errors keep langchain4j's types, so its exception mapping and our retry decisions are unchanged.
 */
final class OkHttpTransport implements HttpClient {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final OkHttpClient client;

    OkHttpTransport(OkHttpClient client) {
        this.client = client;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        try (Response r = client.newCall(toOkHttp(request)).execute()) {
            ResponseBody body = r.body();
            String text = body == null ? "" : body.string();
            if (!r.isSuccessful()) {
                throw new HttpException(r.code(), text);
            }
            return SuccessfulHttpResponse.builder().statusCode(r.code()).headers(r.headers().toMultimap()).body(text).build();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        client.newCall(toOkHttp(request)).enqueue(new Callback() {
            @Override
            public void onResponse(Call call, Response r) {
                try (r) {
                    ResponseBody body = r.body();
                    if (!r.isSuccessful()) {
                        listener.onError(new HttpException(r.code(), body == null ? "" : body.string()));
                        return;
                    }
                    listener.onOpen(SuccessfulHttpResponse.builder().statusCode(r.code()).headers(r.headers().toMultimap()).build());
                    if (body != null) {
                        parser.parse(body.byteStream(), listener);
                    }
                    listener.onClose();
                } catch (IOException | RuntimeException e) {
                    listener.onError(e instanceof IOException io ? failure(io) : e);
                }
            }

            @Override
            public void onFailure(Call call, IOException e) {
                listener.onError(failure(e));
            }
        });
    }

    private static Request toOkHttp(HttpRequest request) {
        Request.Builder b = new Request.Builder().url(request.url());
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            for (String v : h.getValue()) {
                b.addHeader(h.getKey(), v);
            }
        }
        String body = request.body();
        return b.method(request.method().name(), body == null ? null : RequestBody.create(body, JSON)).build();
    }

    /** A read or connect timeout is a timeout to langchain4j (and to the gateway's retry policy), not just an I/O error. */
    private static RuntimeException failure(IOException e) {
        // a socket read/connect timeout, or OkHttp's whole-call timeout (an InterruptedIOException "timeout")
        if (e instanceof SocketTimeoutException || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()))) {
            return new TimeoutException(e);
        }
        return new UncheckedIOException(e);
    }
}
