package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.download.Checksum;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shape of the lines of {@code -i FILE}, without any download. */
class InputListTest {
    private static final String SHA1 = "a".repeat(40);

    @Test
    void aLineHoldsAUrlAndOptionallyANameAndAChecksum() throws IOException {
        var lines = InputList.read(new ByteArrayInputStream(("""
                \uFEFFhttp://h/a
                  # indented comment
                http://h/b\tdir/b.bin
                http://h/c\t\tsha1:%s
                http://h/d\td.bin\tSHA-1=%s\r
                """.formatted(SHA1, SHA1.toUpperCase())).getBytes(StandardCharsets.UTF_8)), "list");

        assertThat(lines).containsExactly(
                new InputList.Line("list:1", "http://h/a", null, null),
                new InputList.Line("list:3", "http://h/b", "dir/b.bin", null),
                new InputList.Line("list:4", "http://h/c", null, new Checksum("sha1", SHA1)),
                new InputList.Line("list:5", "http://h/d", "d.bin", new Checksum("sha1", SHA1)));
    }

    @Test
    void linesEndAtLfCrLfOrALoneCrAndTheLastNeedsNoEnd() throws IOException {
        byte[] bytes = "http://h/a\rhttp://h/b\r\n\nhttp://h/c\thttp-\u00e9.bin".getBytes(StandardCharsets.UTF_8);
        var lines = InputList.read(new ByteArrayInputStream(bytes), "list");

        assertThat(lines).containsExactly(
                new InputList.Line("list:1", "http://h/a", null, null),
                new InputList.Line("list:2", "http://h/b", null, null),
                new InputList.Line("list:4", "http://h/c", "http-\u00e9.bin", null));
    }

    @Test
    void bytesThatAreNotUtf8AreRejectedNamingTheLineAndTheByte() {
        byte[] bytes = {'#', '\n', '\n', 'h', (byte) 0xc3, '(', '\n'};
        assertThatThrownBy(() -> InputList.read(new ByteArrayInputStream(bytes), "list"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("list:3: not valid UTF-8 (byte 2 of the line)");
    }

    @Test
    void aLineWithoutAUrlBeforeItsTabIsRejected() {
        assertThatThrownBy(() -> InputList.parse("\tname.bin", "list:7"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("list:7: the line has no URL before its first TAB");
    }

    @Test
    void anUnknownChecksumAlgorithmIsRejectedNamingTheLine() {
        assertThatThrownBy(() -> InputList.parse("http://h/a\ta\tcrc32:1234", "list:2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("list:2: unsupported checksum algorithm: crc32");
    }

    @Test
    void aLineLongerThanTheLimitIsRejectedWithoutReadingItAll() {
        // A file without line ends (a binary given by mistake) was read whole into memory, and a
        // long URL made as long an error line and report.
        long[] served = new long[1];
        long available = 16L << 20;
        java.io.InputStream noLineEnds = new java.io.InputStream() {
            @Override
            public int read() {
                if (served[0] >= available) {
                    return -1;
                }
                served[0]++;
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, available - served[0]);
                if (n <= 0) {
                    return -1;
                }
                java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                served[0] += n;
                return n;
            }
        };
        java.io.InputStream input = new java.io.SequenceInputStream(
                new ByteArrayInputStream("http://h/ok\n".getBytes(StandardCharsets.UTF_8)), noLineEnds);

        assertThatThrownBy(() -> InputList.read(input, "list"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("list:2: line longer than 65536 bytes");
        assertThat(served[0]).isLessThan(2L * InputList.MAX_LINE_BYTES);
    }

    @Test
    void aLineOfExactlyTheLimitIsRead() throws IOException {
        String url = "http://h/" + "a".repeat(InputList.MAX_LINE_BYTES - "http://h/".length());
        var lines = InputList.read(new ByteArrayInputStream(url.getBytes(StandardCharsets.UTF_8)), "list");
        assertThat(lines).singleElement().extracting(InputList.Line::url).isEqualTo(url);
    }
}
