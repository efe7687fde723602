package dev.sluice.bench;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The sluice side of every workload, through the public synchronous API only. */
final class SluiceFetcher implements AutoCloseable {
    private final Client client = Client.newClient();

    /** Fetches {@code url} and discards the body through {@code Body.any()} views; returns the bytes seen. */
    long discard(String url) throws IOException {
        long n = 0;
        try (Response r = client.send(Request.get(url))) {
            r.raiseForStatus();
            for (ByteBuffer view : r.body().any()) {
                n += view.remaining();
            }
        }
        return n;
    }

    /** Fetches {@code url} into {@code file} with {@code Body.transferTo(Path)}. */
    long toFile(String url, Path file) throws IOException {
        try (Response r = client.send(Request.get(url))) {
            r.raiseForStatus();
            return r.body().transferTo(file);
        }
    }

    /** {@code count} GETs one after another over the pooled keep-alive connection; returns the body bytes. */
    long small(String url, int count) throws IOException {
        Request request = Request.get(url);
        long n = 0;
        for (int i = 0; i < count; i++) {
            try (Response r = client.send(request)) {
                r.raiseForStatus();
                n += r.body().bytes().length;
            }
        }
        return n;
    }

    @Override
    public void close() {
        client.close();
    }
}
