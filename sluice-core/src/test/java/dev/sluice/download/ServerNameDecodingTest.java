package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * How the bytes of a name a server sends become text: a quoted {@code filename} in raw UTF-8,
 * a {@code filename*} that does not decode (RFC 6266 §4.3: fall back to {@code filename}), a
 * Content-Disposition that is invalid (RFC 6266 §4.1: no name from it), and a URL path segment
 * whose percent-decoded bytes are not UTF-8.
 */
class ServerNameDecodingTest {
    private static final URI URL = URI.create("http://h/dl/fallback.bin");

    /** A header value as the client hands it over: each byte one ISO-8859-1 character. */
    private static String asReceived(String utf8) {
        return new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void rawUtf8InAQuotedFilenameIsReadAsUtf8() {
        assertThat(FileNames.choose(URL, asReceived("attachment; filename=\"€.txt\""))).isEqualTo("€.txt");
        assertThat(FileNames.choose(URL, asReceived("attachment; filename=\"Ünïcödé 文件.pdf\""))).isEqualTo("Ünïcödé 文件.pdf");
    }

    @Test
    void bytesThatAreNotUtf8AreReadAsIso88591() {
        String latin1 = new String(new byte[] {'c', 'a', 'f', (byte) 0xE9, '.', 't', 'x', 't'}, StandardCharsets.ISO_8859_1);
        assertThat(FileNames.choose(URL, "attachment; filename=\"" + latin1 + "\"")).isEqualTo("café.txt");
    }

    @Test
    void aFilenameStarThatDoesNotDecodeFallsBackToFilename() {
        assertThat(FileNames.choose(URL, "attachment; filename*=UTF-8''%FF%FE.txt; filename=\"plain.txt\"")).isEqualTo("plain.txt");
        assertThat(FileNames.choose(URL, "attachment; filename*=windows-1252''%80.txt; filename=\"plain.txt\"")).isEqualTo("plain.txt");
        assertThat(FileNames.choose(URL, "attachment; filename*=UTF-8''%E2%82.txt; filename=\"plain.txt\"")).isEqualTo("plain.txt");
        assertThat(FileNames.choose(URL, "attachment; filename*=UTF-8''%FF.txt")).isEqualTo("fallback.bin");
        // The two charsets RFC 8187 requires still decode, in either case.
        assertThat(FileNames.choose(URL, "attachment; filename*=iso-8859-1''caf%E9.txt; filename=\"plain.txt\"")).isEqualTo("café.txt");
        assertThat(FileNames.choose(URL, "attachment; filename*=utf-8''%E2%82%AC.txt")).isEqualTo("€.txt");
    }

    @Test
    void aFilenameStarWithACharacterOutsideAttrCharFallsBackToFilename() {
        // RFC 8187 section 3.2.1: value-chars are pct-encoded or attr-char; anything else makes
        // the value invalid, however it would decode.
        for (String c : new String[] {" ", "(", ")", ",", "/", "'", "*", "=", "?", "@", "[", "\\", "{", "<", ":",
                "\u00e9", "\t"}) {
            String value = "UTF-8''sp" + c + "ace.txt";
            assertThat(FileNames.choose(URL, "attachment; filename*=" + value + "; filename=fb.txt"))
                    .as(value).isEqualTo("fb.txt");
            assertThat(FileNames.choose(URL, "attachment; filename*=" + value)).as(value).isEqualTo("fallback.bin");
        }
        assertThat(FileNames.choose(URL, "attachment; filename*=\"UTF-8''a.txt\"; filename=fb.txt")).isEqualTo("fb.txt");
    }

    @Test
    void aFilenameStarMustBeCharsetQuoteLanguageQuoteValue() {
        for (String value : new String[] {"UTF-8'sp.txt", "sp.txt", "''sp.txt", "UTF-8 ''sp.txt", "UTF-8' ''sp.txt",
                "UTF8''sp.txt", "UTF-8'e n'sp.txt", "UTF-8'en_US'sp.txt", "UTF-8'-en'sp.txt", "UTF-8'en-'sp.txt",
                "UTF-8'en--US'sp.txt", "UTF-8'abcdefghi'sp.txt", "UTF-8'1en'sp.txt", "UTF-8'en'US'sp.txt",
                "UTF-8''sp%2.txt", "UTF-8''sp%G0.txt", "UTF-8''sp%\uFF11\uFF10.txt"}) {
            assertThat(FileNames.choose(URL, "attachment; filename*=" + value + "; filename=fb.txt"))
                    .as(value).isEqualTo("fb.txt");
        }
    }

    @Test
    void aFilenameStarInTheGrammarIsStillTaken() {
        // Every attr-char, raw: only '|' is changed, by the sanitising every name gets.
        assertThat(FileNames.choose(URL, "attachment; filename*=UTF-8''aZ09!#$&+-.^_`|~.txt; filename=fb.txt"))
                .isEqualTo("aZ09!#$&+-.^_`_~.txt");
        assertThat(FileNames.choose(URL, "attachment; filename*=UTF-8''sp%20ace%28%2C%29.txt; filename=fb.txt"))
                .isEqualTo("sp ace(,).txt");
        assertThat(FileNames.choose(URL, "attachment; filename*=Utf-8'en'%e2%82%ac.txt")).isEqualTo("\u20ac.txt");
        assertThat(FileNames.choose(URL, "attachment; filename*=ISO-8859-1'de-CH-1996'caf%E9.txt")).isEqualTo("caf\u00e9.txt");
        assertThat(FileNames.choose(URL, "attachment; filename*=UTF-8'x-private'a.txt")).isEqualTo("a.txt");
        // Spaces around the parameter are the header's (RFC 6266 section 4.1), not the value's.
        assertThat(FileNames.choose(URL, "attachment;filename*= UTF-8''a.txt ; filename=fb.txt")).isEqualTo("a.txt");
    }

    @Test
    void aPathSegmentThatIsNotUtf8KeepsItsPercentEncodedForm() {
        assertThat(FileNames.choose(URI.create("http://h/%FF.bin"), null)).isEqualTo("%FF.bin");
        assertThat(FileNames.choose(URI.create("http://h/%FE.bin"), null)).isEqualTo("%FE.bin");
        assertThat(FileNames.choose(URI.create("http://h/caf%C3%A9%20%2B+.bin"), null)).isEqualTo("café ++.bin");
        assertThat(FileNames.choose(URI.create("http://h/100%25.bin"), null)).isEqualTo("100%.bin");
    }

    @Test
    void anUnterminatedQuoteMakesTheHeaderGiveNoName() {
        assertThat(FileNames.choose(URL, "attachment; filename=\"unterminated.txt")).isEqualTo("fallback.bin");
        assertThat(FileNames.choose(URL, "attachment; filename=\"a\\\"b.txt\"")).isEqualTo("a_b.txt");
    }

    @Test
    void aParameterGivenTwiceMakesTheHeaderGiveNoName() {
        assertThat(FileNames.choose(URL, "attachment; filename=\"one.txt\"; filename=\"two.txt\"")).isEqualTo("fallback.bin");
        assertThat(FileNames.choose(URL, "attachment; filename*=UTF-8''one.txt; FILENAME*=UTF-8''two.txt")).isEqualTo("fallback.bin");
    }
}
