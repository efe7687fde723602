package dev.sluice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The ways a caller can read a whole body, so that a test about what a body does on the wire
 * runs once per form: every form must report the same failure, never a short success.
 */
enum ReadForm {
    STREAM {
        @Override
        long readAll(Body body, Path dir) throws IOException {
            try (InputStream in = body.stream()) {
                return in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
    },
    CHUNKS {
        @Override
        long readAll(Body body, Path dir) throws IOException {
            return unchecked(() -> {
                long n = 0;
                for (ByteBuffer b : body.chunks(1000)) {
                    n += b.remaining();
                }
                return n;
            });
        }
    },
    ANY {
        @Override
        long readAll(Body body, Path dir) throws IOException {
            return unchecked(() -> {
                long n = 0;
                for (ByteBuffer b : body.any()) {
                    n += b.remaining();
                }
                return n;
            });
        }
    },
    TRANSFER_TO_PATH {
        @Override
        long readAll(Body body, Path dir) throws IOException {
            return body.transferTo(dir.resolve("body.bin"));
        }
    };

    /** Reads {@code body} to its end (writing into {@code dir} if the form writes a file); returns the bytes read. */
    abstract long readAll(Body body, Path dir) throws IOException;

    private interface Reading {
        long run();
    }

    /** Iterators wrap failures in UncheckedIOException; the tests want the typed cause. */
    private static long unchecked(Reading reading) throws IOException {
        try {
            return reading.run();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
