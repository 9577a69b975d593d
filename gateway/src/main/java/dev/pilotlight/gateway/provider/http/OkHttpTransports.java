package dev.pilotlight.gateway.provider.http;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * One connection pool and dispatcher for every provider of a gateway; each model gets its own
 * timeouts on top ({@link #builder()}), as langchain4j's {@code timeout(...)} sets them.
 */
public final class OkHttpTransports {
    private final OkHttpClient shared;

    public OkHttpTransports(int maxConnectionsPerHost) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(maxConnectionsPerHost * 4);
        dispatcher.setMaxRequestsPerHost(maxConnectionsPerHost);
        shared = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(maxConnectionsPerHost, 5, TimeUnit.MINUTES))
                .dispatcher(dispatcher)
                .build();
    }

    /** A langchain4j builder whose clients share this pool. */
    public HttpClientBuilder builder() {
        return new HttpClientBuilder() {
            private Duration connectTimeout = Duration.ofSeconds(5);
            private Duration readTimeout = Duration.ofSeconds(60);

            @Override
            public Duration connectTimeout() {
                return connectTimeout;
            }

            @Override
            public HttpClientBuilder connectTimeout(Duration d) {
                if (d != null) {
                    connectTimeout = d;
                }
                return this;
            }

            @Override
            public Duration readTimeout() {
                return readTimeout;
            }

            @Override
            public HttpClientBuilder readTimeout(Duration d) {
                if (d != null) {
                    readTimeout = d;
                }
                return this;
            }

            @Override
            public HttpClient build() {
                return new OkHttpTransport(shared.newBuilder().connectTimeout(connectTimeout).readTimeout(readTimeout).build());
            }
        };
    }

    /** Ends idle connections and the dispatcher's threads at shutdown. */
    public void close() {
        shared.dispatcher().executorService().shutdown();
        shared.connectionPool().evictAll();
    }
}
