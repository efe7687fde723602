package dev.sluice.codec;

import java.util.List;

/**
 * How a response body is delimited on the wire (RFC 9112 §6.3). {@link #of} decides it from
 * the request method, the status and the header fields; the decoder then reads the body
 * accordingly.
 *
 * <pre>{@code
 * BodyFraming framing = BodyFraming.of("GET", 200, List.of(new Field("Content-Length", "5")));
 * // framing equals new BodyFraming.FixedLength(5)
 * }</pre>
 */
public sealed interface BodyFraming {

    /** Whether the framing alone says the body is empty: no body, or {@code Content-Length: 0}. */
    default boolean isEmpty() {
        return this instanceof None || (this instanceof FixedLength f && f.length() == 0);
    }

    /** No body at all: a response to HEAD, a 1xx, 204 or 304, or a 2xx to CONNECT. */
    record None() implements BodyFraming {
    }

    /**
     * Exactly {@code length} body bytes follow the head ({@code Content-Length}).
     *
     * @param length the number of body bytes, {@code >= 0}
     */
    record FixedLength(long length) implements BodyFraming {

        /** Rejects negative lengths, which no valid Content-Length yields. */
        public FixedLength {
            if (length < 0) {
                throw new IllegalArgumentException("length must be >= 0, got " + length);
            }
        }
    }

    /** The body is in the chunked transfer coding (RFC 9112 §7.1). */
    record Chunked() implements BodyFraming {
    }

    /** The body runs until the server closes the connection (RFC 9112 §6.3 points 4 and 8). */
    record UntilClose() implements BodyFraming {
    }

    /**
     * Decides the body framing of a response by the rules of RFC 9112 §6.3, in their order.
     * Pure: it looks only at its arguments.
     *
     * <p>Besides §6.3 it applies RFC 9112 §6.1 ("chunked" at most once) and RFC 9110 §8.6 (a
     * Content-Length repeated with one value, as a list or in several fields, counts once).
     * Exceptions carry offset 0 and state {@code HEADERS}, since no bytes are seen here; the
     * decoder re-throws them with the offset of the head's end.
     *
     * @param requestMethod the method of the request this response answers (case-sensitive)
     * @param status        the response status code
     * @param headers       the response header fields
     * @return the framing
     * @throws CodecException if Transfer-Encoding lists chunked twice or is empty, or ends in
     *                        another coding while Content-Length is present, or Content-Length
     *                        is invalid or has differing values
     */
    static BodyFraming of(String requestMethod, int status, List<Field> headers) throws CodecException {
        // §6.3 point 1: these responses end with the head, whatever their fields say.
        if (requestMethod.equals("HEAD") || (status >= 100 && status < 200) || status == 204 || status == 304) {
            return new None();
        }
        // §6.3 point 2: the connection becomes a tunnel right after the head.
        if (requestMethod.equals("CONNECT") && status >= 200 && status < 300) {
            return new None();
        }
        // §6.3 points 3 and 4: Transfer-Encoding overrides Content-Length.
        if (FieldLists.isPresent(headers, "Transfer-Encoding")) {
            BodyFraming framing = ofTransferEncoding(headers);
            if (framing instanceof UntilClose && FieldLists.isPresent(headers, "Content-Length")) {
                if (FieldLists.elements(headers, "Transfer-Encoding").stream()
                        .allMatch(c -> c.strip().equalsIgnoreCase("identity"))) {
                    // RFC 2616's identity, which RFC 9112 dropped, is no coding at all: old
                    // servers send it with a length, which then frames the body (the connection
                    // is still not reused: isPersistent sees both fields).
                    return new FixedLength(parseContentLength(headers));
                }
                // Point 3 asks to handle both fields as an error. Chunked with a length is read
                // as chunked (and the connection closed after it); a body read to the close
                // beside a declared length would wait for a close a keep-alive server never
                // makes, and end as a read timeout after all its bytes came.
                throw new CodecException("Transfer-Encoding " + CharClass.quote(String.join(", ",
                        FieldLists.elements(headers, "Transfer-Encoding"))) + " (not chunked) with Content-Length",
                        0, ResponseDecoder.State.HEADERS);
            }
            return framing;
        }
        // §6.3 points 5 and 6.
        if (FieldLists.isPresent(headers, "Content-Length")) {
            return new FixedLength(parseContentLength(headers));
        }
        // §6.3 point 8: a response without a declared length runs until close.
        return new UntilClose();
    }

    private static BodyFraming ofTransferEncoding(List<Field> headers) throws CodecException {
        List<String> codings = FieldLists.elements(headers, "Transfer-Encoding");
        if (codings.isEmpty()) {
            throw new CodecException("Transfer-Encoding is present but lists no coding", 0, ResponseDecoder.State.HEADERS);
        }
        int chunked = 0;
        boolean lastIsChunked = false;
        for (String coding : codings) {
            // A transfer coding may carry parameters (RFC 9112 §7): only its name decides.
            int semicolon = coding.indexOf(';');
            String name = (semicolon < 0 ? coding : coding.substring(0, semicolon)).strip();
            lastIsChunked = name.equalsIgnoreCase("chunked");
            if (lastIsChunked) {
                chunked++;
            }
        }
        if (chunked > 1) {
            // §6.1: a sender MUST NOT apply chunked more than once; two decoders would disagree on the end.
            // The list is the peer's and may fill a whole head: quote caps it.
            throw new CodecException("Transfer-Encoding lists chunked " + chunked + " times: "
                    + CharClass.quote(String.join(", ", codings)), 0, ResponseDecoder.State.HEADERS);
        }
        return lastIsChunked ? new Chunked() : new UntilClose();
    }

    private static long parseContentLength(List<Field> headers) throws CodecException {
        List<String> values = FieldLists.elements(headers, "Content-Length");
        if (values.isEmpty()) {
            throw new CodecException("Content-Length is empty", 0, ResponseDecoder.State.HEADERS);
        }
        String first = values.getFirst();
        long length = parseDecimal(first);
        for (String value : values) {
            if (parseDecimal(value) != length) {
                // Two values say all there is to say; the whole list may be as long as a head.
                throw new CodecException("Content-Length has differing values " + CharClass.quote(first) + " and "
                        + CharClass.quote(value), 0, ResponseDecoder.State.HEADERS);
            }
        }
        return length;
    }

    private static long parseDecimal(String value) throws CodecException {
        long result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new CodecException("Content-Length " + CharClass.quote(value) + " is not a decimal number",
                        0, ResponseDecoder.State.HEADERS);
            }
            int digit = c - '0';
            if (result > (Long.MAX_VALUE - digit) / 10) {
                throw new CodecException("Content-Length " + CharClass.quote(value) + " is larger than " + Long.MAX_VALUE,
                        0, ResponseDecoder.State.HEADERS);
            }
            result = result * 10 + digit;
        }
        return result;
    }
}
