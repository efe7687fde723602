package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.testkit.PieceStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A body's bytes split into lines by {@link LineSplitter}, from a source that hands them out
 * in small pieces: the lines are those {@link BufferedReader} finds in the same text (after a
 * byte-order mark, which chooses the charset), whatever the pieces; none holds a line end or
 * is longer than the cap; a line over the cap is an {@link IllegalStateException}, the one
 * the body API documents, and stays the answer.
 */
class LineSplitterFuzzTest {

    private static final Charset[] CHARSETS = {StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1,
        StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE};
    private static final URI URL = URI.create("http://example.com/lines");

    /** Byte 0: the declared charset (bits 0-1) and the piece size (bits 2-7); byte 1 the cap; the rest the body. */
    @FuzzTest(maxDuration = "3m")
    void linesAreBufferedReadersWhateverThePieces(byte[] input) throws IOException {
        if (input.length < 2) {
            return;
        }
        Charset declared = CHARSETS[input[0] & 3];
        int piece = 1 + ((input[0] >> 2) & 63);
        int maxChars = 1 + (input[1] & 0xFF);
        byte[] body = Arrays.copyOfRange(input, 2, input.length);

        List<String> expected = reference(body, declared);
        LineSplitter splitter = new LineSplitter(new PieceStream(body, piece), declared, maxChars, URL);
        List<String> lines = new ArrayList<>();
        try {
            for (String line; (line = splitter.next()) != null; ) {
                assertThat(line).doesNotContain("\r").doesNotContain("\n").hasSizeLessThanOrEqualTo(maxChars);
                lines.add(line);
            }
            assertThat(splitter.next()).isNull();
            assertThat(lines).isEqualTo(expected);
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).contains("longer than " + maxChars);
            assertThat(expected.stream().anyMatch(l -> l.length() > maxChars)).as("a line over the cap").isTrue();
            assertThat(lines).isEqualTo(expected.subList(0, lines.size()));
            try {
                splitter.next();
                throw new AssertionError("a splitter that failed went on");
            } catch (IllegalStateException again) {
                assertThat(again).isSameAs(e);
            }
        }
    }

    /** What BufferedReader makes of the text the bytes hold, a byte-order mark choosing the charset. */
    private static List<String> reference(byte[] body, Charset declared) throws IOException {
        Charset charset = declared;
        int skip = 0;
        var mark = dev.sluice.codec.MediaTypes.byteOrderMark(body, body.length);
        if (mark.isPresent()) {
            charset = mark.get().charset();
            skip = mark.get().length();
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(
                new ByteArrayInputStream(body, skip, body.length - skip), charset));
        return reader.lines().toList();
    }
}
