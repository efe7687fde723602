package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parsers the decoder is built of, each fed arbitrary lines on its own (the decoder's fuzz
 * test reaches them only through whole responses): {@link StatusLine}, {@link ChunkSizeLine},
 * {@link FieldSection} with {@link BodyFraming#of} and {@link FieldLists} on what it collects,
 * and {@link MediaTypes} on field values. Only {@link CodecException} may escape the codec's
 * parsers; {@link MediaTypes} and {@link FieldLists} throw nothing. Bytes are read as the
 * decoder reads them, one char per octet (ISO-8859-1).
 */
class CodecPartsFuzzTest {

    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({"HTTP/1.1 200 OK", "HTTP/1.0 ", "HTTP/2 ", " 999 "})
    void statusLineParsesOrFailsTyped(byte[] line) {
        if (line.length == 0) {
            return; // the decoder never passes an empty status line: LineReader needs a line end first
        }
        try {
            StatusLine s = StatusLine.parse(line, line.length, 7);
            assertThat(s.status()).isBetween(0, 999);
            assertThat(s.minorVersion()).isBetween(0, 9);
            assertThat(s.reason().chars()).allMatch(CharClass::isFieldValueOctet);
            String again = "HTTP/1." + s.minorVersion() + " " + String.format("%03d", s.status())
                    + (s.reason().isEmpty() ? "" : " " + s.reason());
            byte[] bytes = again.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(StatusLine.parse(bytes, bytes.length, 0)).isEqualTo(s);
        } catch (CodecException e) {
            assertThat(e.offset()).isBetween(7L, 7L + line.length);
            assertThat(e.state()).isEqualTo(ResponseDecoder.State.STATUS_LINE);
        }
    }

    /** Byte 0 is the digit limit (1..32); the rest is the line. */
    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({"ffffffffffffffff", "7fffffffffffffff", "000000000", ";name=\"v\"", " ;"})
    void chunkSizeLineParsesToTheValueOfItsDigits(byte[] input) {
        if (input.length < 1) {
            return;
        }
        int maxDigits = 1 + (input[0] & 31);
        byte[] line = Arrays.copyOfRange(input, 1, input.length);
        try {
            long size = ChunkSizeLine.parse(line, line.length, maxDigits, 100);
            int digits = 0;
            while (digits < line.length && Character.digit(line[digits], 16) >= 0) {
                digits++;
            }
            BigInteger expected = new BigInteger(new String(line, 0, digits, StandardCharsets.ISO_8859_1), 16);
            assertThat(size).isNotNegative();
            assertThat(BigInteger.valueOf(size)).isEqualTo(expected);
            assertThat(expected.toString(16).length()).isLessThanOrEqualTo(maxDigits);
        } catch (CodecException e) {
            assertThat(e.offset()).isBetween(100L, 100L + line.length);
            assertThat(e.state()).isEqualTo(ResponseDecoder.State.CHUNK_SIZE);
        }
    }

    /**
     * Byte 0 picks the method (bits 0-1) and the field limit (bits 2-5); bytes 1-2 are the
     * status (mod 1000); the rest are field lines split at LF, as LineReader hands them over.
     */
    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({"Content-Length:", "Transfer-Encoding:", "chunked", "identity", "Connection:", "close",
        "keep-alive", "Content-Type: text/plain; charset=", "utf-16", "\\x0a ", "\\x0a\\x09"})
    void fieldSectionAndFramingFailOnlyTyped(byte[] input) {
        if (input.length < 3) {
            return;
        }
        String method = new String[] {"GET", "HEAD", "CONNECT", "POST"}[input[0] & 3];
        int maxFields = 1 + ((input[0] >> 2) & 15);
        int status = ((input[1] & 0xFF) << 8 | (input[2] & 0xFF)) % 1000;
        FieldSection section = new FieldSection("header", maxFields);
        List<Field> fields;
        try {
            int start = 3;
            for (int i = 3; i <= input.length; i++) {
                if (i == input.length || input[i] == '\n') {
                    if (i > start) {
                        section.add(Arrays.copyOfRange(input, start, i), i - start, start, ResponseDecoder.State.HEADERS);
                    }
                    start = i + 1;
                }
            }
            fields = section.toList();
        } catch (CodecException e) {
            assertThat(e.offset()).isBetween(3L, (long) input.length);
            return;
        }
        assertThat(fields).hasSizeLessThanOrEqualTo(maxFields);
        for (Field f : fields) {
            assertThat(CharClass.isToken(f.name())).as("name %s", f.name()).isTrue();
            assertThat(f.value().chars()).allMatch(CharClass::isFieldValueOctet);
            assertThat(f.value()).doesNotStartWith(" ").doesNotStartWith("\t").doesNotEndWith(" ").doesNotEndWith("\t");
            MediaTypes.charset(f.value());
            MediaTypes.parameter(f.value(), "charset");
        }
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.name()));
        for (String name : names) {
            assertThat(FieldLists.elements(fields, name)).allMatch(e -> !e.isEmpty() && e.equals(e.strip()));
        }
        try {
            BodyFraming framing = BodyFraming.of(method, status, fields);
            if (framing instanceof BodyFraming.FixedLength fixed) {
                assertThat(fixed.length()).isNotNegative();
            }
        } catch (CodecException e) {
            assertThat(e.getMessage()).hasSizeLessThan(400);
        }
    }

    /** The media type is the input read as ISO-8859-1, as a Content-Type value arrives. */
    @FuzzTest(maxDuration = "2m")
    @DictionaryEntries({"charset=", "\"", "\\\\", ";", "utf-8", "UTF-16LE", "x-unknown"})
    void mediaTypeParametersNeverThrow(byte[] input) {
        String value = new String(input, StandardCharsets.ISO_8859_1);
        assertThat(MediaTypes.charset(value)).isNotNull();
        MediaTypes.parameter(value, "charset").ifPresent(v -> assertThat(v.length()).isLessThanOrEqualTo(value.length()));
        assertThat(MediaTypes.byteOrderMark(input, input.length)).isNotNull();
        if (input.length > 0) {
            assertThat(MediaTypes.byteOrderMarkBytes(input[0] & 0xFF)).isBetween(1, MediaTypes.MAX_BYTE_ORDER_MARK_BYTES);
        }
    }
}
