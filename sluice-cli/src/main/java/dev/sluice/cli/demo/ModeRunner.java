package dev.sluice.cli.demo;

import dev.sluice.Client;
import dev.sluice.Request;
import dev.sluice.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * Downloads every file once in a given {@link Mode}, each into a file of its own, and checks
 * each file's SHA-256 from the bytes as they pass (never by reading the file again). Each mode
 * gets a fresh {@link Client}, so none profits from the connections of the one before.
 */
final class ModeRunner {
    /** The block size of Example 1, requests' {@code iter_content(8192)}. */
    static final int CHUNK_BYTES = 8192;

    private final GeneratedFiles files;
    private final List<byte[]> sha256;
    private final IntFunction<URI> uris;
    private final int concurrency;
    ModeRunner(GeneratedFiles files, List<byte[]> sha256, IntFunction<URI> uris, int concurrency) {
        this.files = files;
        this.sha256 = List.copyOf(sha256);
        this.uris = uris;
        this.concurrency = concurrency;
    }

    /** Runs {@code mode} into {@code dir} (which must exist) and measures it. */
    ModeResult run(Mode mode, Path dir) throws InterruptedException {
        try (Client client = newClient()) {
            HeapPeak.reset();
            long start = System.nanoTime();
            List<FileOutcome> outcomes = switch (mode) {
                case SEQUENTIAL_SYNC -> sequentialSync(client, dir);
                case ONE_BY_ONE_ASYNC -> oneByOneAsync(client, dir);
                case CONCURRENT_ASYNC -> concurrentAsync(client, dir);
                case CONCURRENT_VIRTUAL_THREADS -> concurrentVirtualThreads(client, dir);
            };
            long wall = System.nanoTime() - start;
            return new ModeResult(mode, outcomes, wall, HeapPeak.read());
        }
    }

    /**
     * One small exchange through each API, so that loading and compiling the client's code is
     * not billed to the first mode.
     */
    void warmUp(URI small, Path dir) throws IOException {
        try (Client client = newClient()) {
            try (Response response = client.send(Request.get(small))) {
                for (ByteBuffer chunk : response.raiseForStatus().body().chunks(CHUNK_BYTES)) {
                    GeneratedFiles.newSha256().update(chunk);
                }
            }
            Path file = dir.resolve("warm-up.bin");
            client.sendAsync(Request.get(small))
                    .thenCompose(Response::raiseForStatusAsync)
                    .thenCompose(response -> FileSink.write(response, file))
                    .join();
            Files.deleteIfExists(file);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private Client newClient() {
        // Mode 3 queues every file at once behind the connection limit; the pool lets them wait.
        return Client.builder().maxConnectionsPerHost(concurrency).build();
    }

    private List<FileOutcome> sequentialSync(Client client, Path dir) {
        List<FileOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < files.count(); i++) {
            outcomes.add(downloadSync(client, i, dir.resolve(files.name(i))));
        }
        return outcomes;
    }

    private List<FileOutcome> oneByOneAsync(Client client, Path dir) {
        List<FileOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < files.count(); i++) {
            outcomes.add(downloadAsync(client, i, dir.resolve(files.name(i))).join());
        }
        return outcomes;
    }

    private List<FileOutcome> concurrentAsync(Client client, Path dir) {
        List<CompletableFuture<FileOutcome>> all = new ArrayList<>();
        for (int i = 0; i < files.count(); i++) {
            all.add(downloadAsync(client, i, dir.resolve(files.name(i))));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return all.stream().map(CompletableFuture::join).toList();
    }

    private List<FileOutcome> concurrentVirtualThreads(Client client, Path dir) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        List<Future<FileOutcome>> all = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < files.count(); i++) {
                int index = i;
                all.add(threads.submit(() -> {
                    permits.acquire();
                    try {
                        return downloadSync(client, index, dir.resolve(files.name(index)));
                    } finally {
                        permits.release();
                    }
                }));
            }
        }
        List<FileOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            try {
                outcomes.add(all.get(i).get());
            } catch (ExecutionException e) {
                outcomes.add(FileOutcome.failed(files.name(i), sha256.get(i), e.getCause()));
            }
        }
        return outcomes;
    }

    /** Example 1: send, then pull the body in 8 KiB blocks into the file, digesting on the way. */
    private FileOutcome downloadSync(Client client, int index, Path file) {
        String name = files.name(index);
        MessageDigest sha = GeneratedFiles.newSha256();
        long bytes = 0;
        try (Response response = client.send(Request.get(uris.apply(index)));
             FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            response.raiseForStatus();
            for (ByteBuffer chunk : response.body().chunks(CHUNK_BYTES)) {
                bytes += chunk.remaining();
                sha.update(chunk.duplicate());
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
        } catch (UncheckedIOException e) {
            // The chunk iterator cannot throw checked exceptions; the typed cause is inside.
            return FileOutcome.failed(name, sha256.get(index), e.getCause());
        } catch (IOException e) {
            return FileOutcome.failed(name, sha256.get(index), e);
        }
        return FileOutcome.received(name, bytes, sha256.get(index), sha.digest());
    }

    /** Example 2: the head and the body as futures; never completes exceptionally. */
    private CompletableFuture<FileOutcome> downloadAsync(Client client, int index, Path file) {
        String name = files.name(index);
        byte[] expected = sha256.get(index);
        return client.sendAsync(Request.get(uris.apply(index)))
                .thenCompose(Response::raiseForStatusAsync)
                .thenCompose(response -> FileSink.write(response, file))
                .handle((written, error) -> error == null
                        ? FileOutcome.received(name, written.bytes(), expected, written.sha256())
                        : FileOutcome.failed(name, expected, error instanceof CompletionException c ? c.getCause() : error));
    }
}
