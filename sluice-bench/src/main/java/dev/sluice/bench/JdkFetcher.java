package dev.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The JDK's java.net.http client, HTTP/1.1, body read as a stream in 64 KiB reads. */
final class JdkFetcher implements AutoCloseable {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final byte[] block = new byte[64 * 1024];

    long discard(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long n = 0;
        try (InputStream in = r.body()) {
            if (r.statusCode() >= 400) {
                throw new IOException("JDK HttpClient: HTTP " + r.statusCode() + " for " + url);
            }
            int k;
            while ((k = in.read(block)) >= 0) {
                n += k;
            }
        }
        return n;
    }

    @Override
    public void close() {
        client.close();
    }
}
