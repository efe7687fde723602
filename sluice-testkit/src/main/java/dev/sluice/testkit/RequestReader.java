package dev.sluice.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads one request head (up to CRLFCRLF) and, when asked, its body framed by
 * Content-Length or chunked transfer coding. Malformed input is the client's bug, so it is
 * reported as an {@link AssertionError} that the server keeps as a failure; I/O errors stay
 * {@link IOException}s.
 */
final class RequestReader {

    /** Longest request head accepted, in bytes. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** Longest chunk-size or trailer line accepted, in bytes. */
    static final int MAX_LINE_BYTES = 8 * 1024;
    /** Largest body recorded in memory, in bytes. */
    static final long MAX_BODY_BYTES = 256L * 1024 * 1024;

    record Head(String raw, String method, String target, List<RecordedRequest.Header> headers) {
        String header(String name) {
            for (RecordedRequest.Header header : headers) {
                if (header.name().equalsIgnoreCase(name)) {
                    return header.value();
                }
            }
            return null;
        }
    }

    private RequestReader() {}

    /** Reads a head; returns null when the stream ends before its first byte. */
    static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
        int matched = 0; // how much of CRLFCRLF the tail of raw matches
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (raw.size() == 0) {
                    return null;
                }
                throw new AssertionError("request head cut off after " + raw.size() + " bytes: "
                        + quote(raw.toString(StandardCharsets.ISO_8859_1)));
            }
            raw.write(b);
            if (raw.size() > MAX_HEAD_BYTES) {
                throw new AssertionError("request head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            matched = switch (b) {
                case '\r' -> (matched == 0 || matched == 2) ? matched + 1 : 1;
                case '\n' -> (matched == 1 || matched == 3) ? matched + 1 : 0;
                default -> 0;
            };
        }
        return parseHead(raw.toString(StandardCharsets.ISO_8859_1));
    }

    static Head parseHead(String raw) {
        String[] lines = raw.substring(0, raw.length() - 4).split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || requestLine[0].isEmpty() || requestLine[1].isEmpty()
                || !requestLine[2].startsWith("HTTP/")) {
            throw new AssertionError("malformed request line: " + quote(lines[0]));
        }
        List<RecordedRequest.Header> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || line.substring(0, colon).strip().length() != colon) {
                throw new AssertionError("malformed header line: " + quote(line));
            }
            headers.add(new RecordedRequest.Header(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return new Head(raw, requestLine[0], requestLine[1], headers);
    }

    /** Reads the body the head announces: chunked wins over Content-Length, none is empty. */
    static byte[] readBody(InputStream in, Head head) throws IOException {
        String transferEncoding = head.header("Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunked(in);
        }
        String contentLength = head.header("Content-Length");
        if (contentLength == null) {
            return new byte[0];
        }
        long length;
        try {
            length = Long.parseLong(contentLength);
        } catch (NumberFormatException e) {
            throw new AssertionError("malformed Content-Length: " + quote(contentLength));
        }
        if (length < 0 || length > MAX_BODY_BYTES) {
            throw new AssertionError("Content-Length out of range: " + length);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) {
            throw new AssertionError("request body cut off: Content-Length " + length
                    + ", got " + body.length + " bytes");
        }
        return body;
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            String digits = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
            long size;
            try {
                size = Long.parseLong(digits, 16);
            } catch (NumberFormatException e) {
                throw new AssertionError("malformed chunk size line: " + quote(sizeLine));
            }
            if (size < 0 || body.size() + size > MAX_BODY_BYTES) {
                throw new AssertionError("chunk size out of range: " + quote(sizeLine));
            }
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // Trailer fields are read and dropped; tests that need them read the raw bytes.
                }
                return body.toByteArray();
            }
            byte[] data = in.readNBytes((int) size);
            if (data.length != size) {
                throw new AssertionError("chunk cut off: size " + size + ", got " + data.length + " bytes");
            }
            body.write(data);
            if (!readLine(in).isEmpty()) {
                throw new AssertionError("chunk data not followed by CRLF");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("chunked request body cut off in line: " + quote(line.toString()));
            }
            if (b == '\n') {
                if (line.isEmpty() || line.charAt(line.length() - 1) != '\r') {
                    throw new AssertionError("bare LF in chunked request body");
                }
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
            if (line.length() > MAX_LINE_BYTES) {
                throw new AssertionError("chunked body line longer than " + MAX_LINE_BYTES + " bytes");
            }
        }
    }

    static String quote(String text) {
        return '"' + text.replace("\r", "\\r").replace("\n", "\\n") + '"';
    }
}
