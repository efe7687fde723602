package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Ports;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code sluice download} reads is taken as written or refused before any download: an
 * input list that is not UTF-8, and a checksum in digits other than ASCII hex.
 */
class DownloadStrictInputTest {
    /** Nothing listens there: a usage error must be found before any connection is tried. */
    private static final String UNUSED_URL = "http://127.0.0.1:" + Ports.closedPort() + "/x";
    @TempDir
    Path dir;

    /** Two lines, the second holding bytes that are no UTF-8: "n", 0xFF, 0xFE, ".bin". */
    private static byte[] listWithABadSecondLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((UNUSED_URL + "\tgood.bin\r\n").getBytes(StandardCharsets.UTF_8));
        b.write((UNUSED_URL + "\tn").getBytes(StandardCharsets.UTF_8));
        b.write(new byte[] {(byte) 0xff, (byte) 0xfe});
        b.write(".bin\n".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static void assertNotUtf8OnLine2(Cli.Result result, String source) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        int column = (UNUSED_URL + "\tn").length() + 1;
        assertThat(result.stderrLines()).singleElement().asString()
                .startsWith("sluice: " + source + ":2: not valid UTF-8 (byte " + column + " of the line)");
    }

    @Test
    void anInputFileThatIsNotUtf8IsAUsageErrorNamingTheLine() throws IOException {
        Path list = Files.write(dir.resolve("in.txt"), listWithABadSecondLine());
        Cli.Result result = Cli.run("download", "-i", list.toString(), "-d", dir.resolve("out").toString());

        assertNotUtf8OnLine2(result, list.toString());
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void standardInputThatIsNotUtf8IsAUsageErrorNamingTheLineToo() throws IOException {
        InputStream stdin = System.in;
        Cli.Result result;
        try {
            System.setIn(new ByteArrayInputStream(listWithABadSecondLine()));
            result = Cli.run("download", "-i", "-", "-d", dir.resolve("out").toString());
        } finally {
            System.setIn(stdin);
        }

        assertNotUtf8OnLine2(result, "<stdin>");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uFF10", "\u0660"})
    void aChecksumInDigitsOtherThanAsciiHexIsAUsageError(String digit) throws IOException {
        Cli.Result option = Cli.run("download", UNUSED_URL, "--checksum", "sha256=" + digit.repeat(64));
        Path list = Files.writeString(dir.resolve("sums.txt"), UNUSED_URL + "\tx.bin\tsha256:" + digit.repeat(64) + "\n");
        Cli.Result column = Cli.run("download", "-i", list.toString());

        assertThat(option.exitCode()).as(option.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(option.stderr()).startsWith("sluice: " + UNUSED_URL + ": --checksum: sha256 checksum must be 64 hex digits");
        assertThat(column.exitCode()).as(column.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(column.stderr()).startsWith("sluice: " + list + ":1: sha256 checksum must be 64 hex digits");
    }
}
