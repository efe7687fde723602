package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileNamesTest {

    @Test
    void nameComesFromTheDecodedLastPathSegment() {
        assertThat(FileNames.choose(URI.create("http://h/a/b/report%20final.pdf?x=1"), null)).isEqualTo("report final.pdf");
        assertThat(FileNames.choose(URI.create("http://h/a/"), null)).isEqualTo("index.html");
    }

    @Test
    void onlyAsciiHexDigitsFollowAPercentSign() {
        // ARABIC-INDIC DIGIT ONE and TWO, FULLWIDTH DIGIT ONE: Character.digit reads them as
        // 1 and 2, so a percent sign before the first two was decoded as byte 0x12.
        assertThat(FileNames.percentDecode("a%\u0661\u0662b", StandardCharsets.UTF_8)).isEmpty();
        assertThat(FileNames.percentDecode("a%4\uFF11", StandardCharsets.UTF_8)).isEmpty();
        assertThat(FileNames.percentDecode("%41%4a%4A%7e", StandardCharsets.UTF_8)).contains("AJJ~");
    }

    @Test
    void contentDispositionFilenameStarWinsOverFilename() {
        String cd = "attachment; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt";
        assertThat(FileNames.choose(URI.create("http://h/x"), cd)).isEqualTo("€ rates.txt");
        assertThat(FileNames.choose(URI.create("http://h/x"), "attachment; filename=\"a;b.txt\"")).isEqualTo("a;b.txt");
    }

    @Test
    void hostileNamesNeverLeaveTheDirectory() {
        assertThat(FileNames.choose(URI.create("http://h/x"), "attachment; filename=\"../../etc/passwd\"")).isEqualTo("_.._etc_passwd");
        assertThat(FileNames.choose(URI.create("http://h/%2e%2e%2fsecret"), null)).isEqualTo("_secret");
        assertThat(FileNames.choose(URI.create("http://h/x"), "attachment; filename=\"/abs/path\"")).isEqualTo("_abs_path");
        assertThat(FileNames.choose(URI.create("http://h/a%00b%0d%0a.txt"), null)).isEqualTo("a_b__.txt");
        assertThat(FileNames.choose(URI.create("http://h/.."), null)).isEqualTo("index.html");
        assertThat(FileNames.choose(URI.create("http://h/x.bin"), "attachment; filename=\"..\"")).isEqualTo("x.bin");
    }

    @Test
    void longNamesAreCutToTheFileSystemLimit() {
        String longName = "é".repeat(300);
        assertThat(FileNames.sanitise(longName).orElseThrow().getBytes(StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(FileNames.MAX_NAME_BYTES);
    }

    @Test
    void aChosenNameLeavesRoomForThePartSuffixAndANumber() {
        String name = FileNames.choose(URI.create("http://h/x"), "attachment; filename=\"" + "a".repeat(300) + ".tar.gz\"");
        assertThat(name).endsWith(".gz").startsWith("aaa");
        assertThat(name.getBytes(StandardCharsets.UTF_8).length + ".part".length() + ".99999".length())
                .isEqualTo(FileNames.MAX_NAME_BYTES);
    }

    @Test
    void cuttingANameNeverSplitsACharacter() {
        String cut = FileNames.sanitise("€".repeat(100) + ".txt").orElseThrow();
        byte[] utf8 = cut.getBytes(StandardCharsets.UTF_8);
        assertThat(cut).endsWith(".txt").matches("€+\\.txt");
        assertThat(utf8).hasSizeLessThanOrEqualTo(FileNames.MAX_CHOSEN_NAME_BYTES).hasSizeGreaterThan(FileNames.MAX_CHOSEN_NAME_BYTES - 3);
        assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(cut);
        String emoji = FileNames.sanitise("😀".repeat(100)).orElseThrow();
        assertThat(emoji).matches("(😀)+");
        assertThat(emoji.getBytes(StandardCharsets.UTF_8)).hasSize(FileNames.MAX_CHOSEN_NAME_BYTES / 4 * 4);
    }

    @Test
    void anOverlongExtensionIsCutAsPartOfTheName() {
        String name = FileNames.sanitise("a." + "b".repeat(300)).orElseThrow();
        assertThat(name).startsWith("a.bbb");
        assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(FileNames.MAX_CHOSEN_NAME_BYTES);
    }

    @Test
    void relativeNamesFromAListStayInside() {
        Path dir = Path.of("/tmp/out");
        assertThat(FileNames.inside(dir, "sub/a.bin")).isEqualTo(Path.of("/tmp/out/sub/a.bin"));
        assertThatThrownBy(() -> FileNames.inside(dir, "../a.bin")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileNames.inside(dir, "/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileNames.inside(dir, "sub/../../a")).isInstanceOf(IllegalArgumentException.class);
    }
}
