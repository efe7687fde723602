package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sluice.codec.DecoderEvent.BodyBytes;
import dev.sluice.codec.DecoderEvent.BodyEnd;
import dev.sluice.codec.DecoderEvent.InformationalHead;
import dev.sluice.codec.DecoderEvent.NeedInput;
import dev.sluice.codec.DecoderEvent.ResponseHead;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Replays one wire input through a fresh {@link ResponseDecoder} several ways and checks they
 * agree: (a) whole, in a heap buffer whose data starts at a non-zero position; (b) one byte at
 * a time in a direct buffer; (c) at random split points from a fixed seed, heap and direct;
 * (d) whole again with {@link #TRAILING} bytes appended, which must come back as leftover. When
 * the input is exhausted before {@code BodyEnd}, the replay calls {@code endOfInput()} as an
 * engine would on EOF.
 */
final class Replay {

    /** Bytes appended in mode (d); they belong to no response. */
    static final String TRAILING = "HTTP/1.1 200 OK\r\n";

    private static final long SEED = 20_240_611L;
    private static final int RANDOM_SPLITS = 24;
    /** Junk in front of the data in mode (a), so that body offsets are not positions from 0. */
    private static final int JUNK_PREFIX = 3;

    /** Consecutive {@link BodyBytes} events merged, with their content (ISO-8859-1). */
    record Body(String text) {
    }

    /** What one replay produced: events (NeedInput dropped, body merged) and leftover, or a failure. */
    record Outcome(List<Object> events, String leftover, String failure, CodecException exception) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && events.equals(other.events) && leftover.equals(other.leftover)
                    && failure.equals(other.failure);
        }

        @Override
        public int hashCode() {
            return events.hashCode();
        }
    }

    /** A successful decoding. */
    record Decoded(List<Object> events, String leftover) {

        /** Returns the final head; fails the test if there is none. */
        ResponseHead head() {
            return events.stream().filter(ResponseHead.class::isInstance).map(ResponseHead.class::cast)
                    .findFirst().orElseThrow(() -> new AssertionError("no ResponseHead in " + events));
        }

        /** Returns the interim heads in order. */
        List<InformationalHead> informational() {
            return events.stream().filter(InformationalHead.class::isInstance).map(InformationalHead.class::cast)
                    .toList();
        }

        /** Returns the whole body as ISO-8859-1 text. */
        String body() {
            return events.stream().filter(Body.class::isInstance).map(e -> ((Body) e).text())
                    .reduce("", String::concat);
        }

        /** Returns the trailers of the BodyEnd event. */
        List<Field> trailers() {
            Object last = events.getLast();
            assertThat(last).isInstanceOf(BodyEnd.class);
            return ((BodyEnd) last).trailers();
        }
    }

    private Replay() {
    }

    static Decoded decode(String input) {
        return decode("GET", input, Limits.DEFAULT);
    }

    static Decoded decode(String method, String input) {
        return decode(method, input, Limits.DEFAULT);
    }

    /** Replays a valid input in all modes and returns the agreed result. */
    static Decoded decode(String method, String input, Limits limits) {
        Outcome whole = agreedOutcome(method, input, limits);
        if (whole.exception() != null) {
            throw new AssertionError("expected success, got " + whole.failure(), whole.exception());
        }
        assertThat(whole.events().getLast()).as("last event").isInstanceOf(BodyEnd.class);
        boolean closeDelimited = whole.events().stream().anyMatch(e -> e instanceof ResponseHead h
                && h.framing() instanceof BodyFraming.UntilClose);
        if (!closeDelimited) {
            // (d) Skipped for close-delimited bodies, where appended bytes are body by definition.
            Outcome trailing = run(method, bytes(input + TRAILING), limits, new int[] {input.length() + TRAILING.length()},
                    false, JUNK_PREFIX);
            assertThat(trailing.events()).as("events with trailing bytes").isEqualTo(whole.events());
            assertThat(trailing.leftover()).as("leftover with trailing bytes").isEqualTo(whole.leftover() + TRAILING);
        }
        return new Decoded(whole.events(), whole.leftover());
    }

    static CodecException failure(String input) {
        return failure("GET", input, Limits.DEFAULT);
    }

    /** Replays an invalid input in modes (a) to (c); all must fail alike. Returns the exception. */
    static CodecException failure(String method, String input, Limits limits) {
        Outcome whole = agreedOutcome(method, input, limits);
        if (whole.exception() == null) {
            fail("expected a CodecException, got events " + whole.events() + " leftover " + whole.leftover());
        }
        return whole.exception();
    }

    static List<Field> fields(String... namesAndValues) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return fields;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Outcome agreedOutcome(String method, String input, Limits limits) {
        byte[] data = bytes(input);
        Outcome whole = run(method, data, limits, new int[] {data.length}, false, JUNK_PREFIX);
        int[] ones = new int[data.length];
        java.util.Arrays.fill(ones, 1);
        assertThat(run(method, data, limits, ones, true, 0)).as("byte at a time").isEqualTo(whole);
        Random random = new Random(SEED);
        for (int i = 0; i < RANDOM_SPLITS; i++) {
            int[] cuts = randomCuts(random, data.length);
            assertThat(run(method, data, limits, cuts, i % 2 == 0, 0))
                    .as("random split %s", java.util.Arrays.toString(cuts)).isEqualTo(whole);
        }
        return whole;
    }

    private static int[] randomCuts(Random random, int length) {
        List<Integer> cuts = new ArrayList<>();
        int left = length;
        while (left > 0) {
            int n = Math.min(left, 1 + random.nextInt(Math.max(1, length / 3)));
            cuts.add(n);
            left -= n;
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Feeds {@code data} in pieces of the given sizes and records what the decoder says. */
    static Outcome run(String method, byte[] data, Limits limits, int[] pieces, boolean direct, int junk) {
        ResponseDecoder decoder = new ResponseDecoder(limits);
        decoder.reset(method);
        int capacity = data.length + junk + 1;
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        buf.put(new byte[junk]).flip().position(junk);
        List<Object> events = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int fed = 0;
        int piece = 0;
        try {
            while (true) {
                DecoderEvent event = decoder.decode(buf);
                switch (event) {
                    case NeedInput needInput -> {
                        assertThat(needInput).isSameAs(DecoderEvent.NEED_INPUT);
                        if (piece == pieces.length) {
                            flush(body, events);
                            events.add(decoder.endOfInput());
                            assertThat(decoder.state()).isEqualTo(ResponseDecoder.State.DONE);
                            return new Outcome(events, rest(buf, data, fed), "", null);
                        }
                        buf.compact().put(data, fed, pieces[piece]).flip();
                        fed += pieces[piece++];
                    }
                    case BodyBytes bytes -> {
                        assertThat(bytes.length()).isPositive();
                        assertThat(buf.position()).as("position after BodyBytes")
                                .isEqualTo(bytes.offset() + bytes.length());
                        for (int i = bytes.offset(); i < bytes.offset() + bytes.length(); i++) {
                            body.write(buf.get(i));
                        }
                    }
                    case BodyEnd end -> {
                        flush(body, events);
                        events.add(end);
                        assertThat(decoder.state()).isEqualTo(ResponseDecoder.State.DONE);
                        return new Outcome(events, rest(buf, data, fed), "", null);
                    }
                    case InformationalHead head -> events.add(head);
                    case ResponseHead head -> events.add(head);
                }
            }
        } catch (CodecException e) {
            assertThat(decoder.state()).isEqualTo(ResponseDecoder.State.FAILED);
            assertThat(e.state()).isNotEqualTo(ResponseDecoder.State.FAILED);
            flush(body, events);
            return new Outcome(events, "", e.state() + "@" + e.offset() + ": " + e.getMessage(), e);
        }
    }

    private static void flush(ByteArrayOutputStream body, List<Object> events) {
        if (body.size() > 0) {
            events.add(new Body(body.toString(StandardCharsets.ISO_8859_1)));
            body.reset();
        }
    }

    private static String rest(ByteBuffer buf, byte[] data, int fed) {
        byte[] buffered = new byte[buf.remaining()];
        buf.get(buf.position(), buffered);
        return new String(buffered, StandardCharsets.ISO_8859_1)
                + new String(data, fed, data.length - fed, StandardCharsets.ISO_8859_1);
    }
}
