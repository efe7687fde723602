package dev.sluice.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Standard output that keeps the first failure of a write: a {@link PrintStream} over it keeps
 * only a flag ({@link PrintStream#checkError()}), and the error line should say why.
 *
 * <pre>{@code
 * FailureKeepingStream kept = new FailureKeepingStream(stdout);
 * PrintStream out = new PrintStream(kept, true, StandardCharsets.UTF_8);
 * out.println("a line");
 * if (out.checkError()) { ... kept.failure() ... }
 * }</pre>
 */
public final class FailureKeepingStream extends FilterOutputStream {
    private volatile IOException failure;

    public FailureKeepingStream(OutputStream out) {
        super(out);
    }

    /** The first write or flush that failed, or null. */
    public IOException failure() {
        return failure;
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw kept(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw kept(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw kept(e);
        }
    }

    private IOException kept(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }
}
