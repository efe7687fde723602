package dev.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** OkHttp with its defaults: the Java peer most people pick. */
final class OkHttpFetcher implements AutoCloseable {
    private final OkHttpClient client = new OkHttpClient();
    private final byte[] block = new byte[64 * 1024];

    long discard(String url) throws IOException {
        long n = 0;
        try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
            check(r);
            InputStream in = r.body().byteStream();
            int k;
            while ((k = in.read(block)) >= 0) {
                n += k;
            }
        }
        return n;
    }

    long small(String url, int count) throws IOException {
        Request request = new Request.Builder().url(url).build();
        long n = 0;
        for (int i = 0; i < count; i++) {
            try (Response r = client.newCall(request).execute()) {
                check(r);
                n += r.body().bytes().length;
            }
        }
        return n;
    }

    private static void check(Response r) throws IOException {
        if (!r.isSuccessful()) {
            throw new IOException("OkHttp: HTTP " + r.code() + " for " + r.request().url());
        }
    }

    static String version() {
        return okhttp3.OkHttp.VERSION;
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
