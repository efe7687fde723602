package dev.sluice.cli.demo;

import dev.sluice.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A subscriber that writes a body publisher's items to a file and digests them on the way,
 * asking for one item at a time: the publisher reads from the connection only when the
 * previous item is on disk (backpressure), like {@code async for chunk in resp.content.iter_any()}
 * with a file write in the loop.
 */
final class FileSink implements Flow.Subscriber<ByteBuffer> {
    /** The bytes written and their SHA-256, once the body has ended. */
    record Written(long bytes, byte[] sha256) {
    }

    private final FileChannel out;
    private final MessageDigest sha = GeneratedFiles.newSha256();
    private final CompletableFuture<Written> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long bytes;

    private FileSink(FileChannel out) {
        this.out = out;
    }

    /**
     * Streams the body of {@code response} into {@code file} through its publisher,
     * {@code response.body().async().publisher()}; the future completes when the body has ended.
     */
    static CompletableFuture<Written> write(Response response, Path file) {
        FileChannel out;
        try {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            response.close();
            return CompletableFuture.failedFuture(e);
        }
        FileSink sink = new FileSink(out);
        response.body().async().publisher().subscribe(sink);
        return sink.done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(ByteBuffer item) {
        try {
            bytes += item.remaining();
            sha.update(item.duplicate());
            while (item.hasRemaining()) {
                out.write(item);
            }
        } catch (IOException e) {
            subscription.cancel();
            finish(e);
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        finish(t);
    }

    @Override
    public void onComplete() {
        finish(null);
    }

    private void finish(Throwable failure) {
        try {
            out.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure == null) {
            done.complete(new Written(bytes, sha.digest()));
        } else {
            done.completeExceptionally(failure);
        }
    }
}
