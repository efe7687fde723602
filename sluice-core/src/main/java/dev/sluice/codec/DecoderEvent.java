package dev.sluice.codec;

import java.util.List;

/**
 * What {@link ResponseDecoder#decode} found next in the bytes it was given. Exactly one event
 * per call; a caller switches over it exhaustively.
 *
 * <pre>{@code
 * switch (decoder.decode(buf)) {
 *     case DecoderEvent.NeedInput n -> readMore(buf);
 *     case DecoderEvent.BodyBytes b -> sink.write(buf.slice(b.offset(), b.length()));
 *     ...
 * }
 * }</pre>
 */
public sealed interface DecoderEvent {

    /** The one {@link NeedInput} instance; the decoder always returns this one. */
    NeedInput NEED_INPUT = new NeedInput();

    /**
     * The buffer holds no complete next item: compact it, read more bytes from the peer and
     * call {@code decode} again (or {@code endOfInput} if the peer closed).
     */
    record NeedInput() implements DecoderEvent {
    }

    /**
     * An interim 1xx response head (100 Continue, 102, 103 Early Hints...). The final response
     * follows on the same stream.
     *
     * @param status  the 1xx status code (never 101, which is an error here)
     * @param reason  the reason phrase, possibly empty
     * @param headers the header fields in the order received
     */
    record InformationalHead(int status, String reason, List<Field> headers) implements DecoderEvent {

        /** Copies the header list so the event is immutable. */
        public InformationalHead {
            headers = List.copyOf(headers);
        }
    }

    /**
     * The final response head.
     *
     * @param status       the status code as sent: 200..599, or an invalid one (000..099, 600..999)
     *                     that RFC 9110 §15 has a client treat as a 5xx
     * @param reason       the reason phrase, possibly empty
     * @param minorVersion the x in HTTP/1.x
     * @param headers      the header fields in the order received
     * @param framing      how the body is delimited (RFC 9112 §6.3)
     * @param persistent   whether the connection may carry another exchange after this one
     *                     ends exactly on its boundary
     */
    record ResponseHead(int status, String reason, int minorVersion, List<Field> headers,
                        BodyFraming framing, boolean persistent) implements DecoderEvent {

        /** Copies the header list so the event is immutable. */
        public ResponseHead {
            headers = List.copyOf(headers);
        }
    }

    /**
     * Body bytes, as a view of the buffer passed to the {@code decode} call that returned this
     * event: they sit at {@code [offset, offset + length)}, and {@code decode} has already moved
     * the buffer's position past them. Nothing is copied; use them before the buffer is
     * compacted or refilled.
     *
     * @param offset absolute index of the first body byte in the buffer
     * @param length number of body bytes, {@code > 0}
     */
    record BodyBytes(int offset, int length) implements DecoderEvent {
    }

    /**
     * The body ended; the decoder is now {@code DONE}. Bytes still in the buffer after this
     * event belong to no response (pipelining or garbage).
     *
     * @param trailers trailer fields of a chunked body; empty otherwise
     */
    record BodyEnd(List<Field> trailers) implements DecoderEvent {

        /** Copies the trailer list so the event is immutable. */
        public BodyEnd {
            trailers = List.copyOf(trailers);
        }
    }
}
