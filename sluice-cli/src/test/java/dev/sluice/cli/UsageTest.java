package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Ports;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Help, version, and every way of calling the tool wrongly: exit 2, one line, nothing sent. */
class UsageTest {
    /** Nothing listens there; a usage error must be found before any connection is tried. */
    private static final String UNUSED_URL = "http://127.0.0.1:" + Ports.closedPort() + "/x";

    @Test
    void noCommandPrintsTheUsageAndExitsWith2() {
        Cli.Result result = Cli.run();

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).startsWith("sluice: missing command\nUsage: sluice").contains("get");
    }

    @Test
    void helpListsTheCommandsOnStdout() {
        Cli.Result result = Cli.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdoutText()).startsWith("Usage: sluice").contains("get", "help");
        // Each command's first sentence whole: picocli lists the first line of its description.
        assertThat(result.stdoutText()).contains("Streams the response body of one request to stdout or -o FILE.",
                "Downloads many URLs at once, each to its own file in DIR.",
                "Downloads the same generated files four ways and compares them.");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void getHelpListsEveryOptionOfTheContractAndTheExitCodes() {
        for (List<String> args : List.of(List.of("get", "--help"), List.of("help", "get"))) {
            Cli.Result result = Cli.run(args.toArray(String[]::new));

            assertThat(result.exitCode()).isZero();
            assertThat(result.stdoutText()).contains("-o", "-X", "-H", "-d", "--connect-timeout", "--read-timeout",
                    "--timeout", "--max-redirects", "--no-redirects", "--raw", "--no-fail", "--cacert", "--insecure",
                    "--chunk-size", "Exit codes:", "FILE does not exist afterwards");
        }
    }

    @Test
    void downloadHelpListsEveryOptionOfTheContractAndTheExitCodes() {
        for (List<String> args : List.of(List.of("download", "--help"), List.of("help", "download"))) {
            Cli.Result result = Cli.run(args.toArray(String[]::new));

            assertThat(result.exitCode()).isZero();
            assertThat(result.stdoutText()).startsWith("Usage: sluice download").contains("-i", "-d", "-j", "--per-host",
                    "--retries", "--continue", "--checksum", "--report", "--limit-rate", "--split", "--progress",
                    "--quiet", "--connect-timeout", "--read-timeout", "--timeout", "--cacert", "--insecure",
                    "Exit codes:", "9  several URLs");
        }
        assertThat(Cli.run("--help").stdoutText()).contains("download");
    }

    @Test
    void versionNamesTheToolAndItsVersion() {
        Cli.Result result = Cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdoutText()).matches("sluice \\d+\\.\\d+\\.\\d+.*\n");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Cli.Result result = Cli.run("fetch", UNUSED_URL);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: ").contains("fetch");
    }

    @Test
    void anUnknownOptionIsAUsageErrorOnOneLineThatNamesTheUrl() {
        Cli.Result result = Cli.run("get", "--bogus", UNUSED_URL);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines())
                .containsExactly("sluice: " + UNUSED_URL + ": Unknown option: '--bogus' (see 'sluice get --help')");
    }

    @Test
    void aBadOptionValueNamesTheOneUrlWithItsPasswordHidden() {
        String url = UNUSED_URL.replace("http://", "http://user:secret@");
        Cli.Result get = Cli.run("get", url, "--timeout", "abc");
        Cli.Result download = Cli.run("download", url, "-j", "0");

        assertThat(get.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(get.stderrLines()).singleElement().asString()
                .startsWith("sluice: " + url.replace("secret", "***") + ": Invalid value for option '--timeout'")
                .doesNotContain("secret");
        assertThat(download.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(download.stderrLines()).singleElement().asString()
                .startsWith("sluice: " + url.replace("secret", "***") + ": -j must be");
    }

    @Test
    void aUsageErrorLineHidesEveryPasswordAndStaysOneLine() {
        String url = UNUSED_URL.replace("http://", "http://user:secret@");
        Cli.Result twice = Cli.run("get", url, url);
        Cli.Result newline = Cli.run("get", UNUSED_URL + "\nb", "--timeout", "x");

        assertThat(twice.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(twice.stderrLines()).singleElement().asString().doesNotContain("secret");
        assertThat(newline.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(newline.stderrLines()).singleElement().asString().startsWith("sluice: " + UNUSED_URL + "\\x0ab: ");
    }

    @Test
    void aBadOptionValueWithSeveralUrlsNamesNone() {
        Cli.Result result = Cli.run("download", UNUSED_URL, UNUSED_URL + "2", "-j", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).containsExactly(
                "sluice: -j must be between 1 and 100000: 0 (see 'sluice download --help')");
    }

    @Test
    void aMissingUrlIsAUsageError() {
        Cli.Result result = Cli.run("get");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().contains("URL");
    }

    @Test
    void twoUrlsAreAUsageError() {
        assertThat(Cli.run("get", UNUSED_URL, UNUSED_URL).exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "http://", "ftp://127.0.0.1/file", "127.0.0.1:8080/x", "file:///etc/passwd",
        "http://[::1/", "mailto:someone@example.org", "http://user:secret@127.0.0.1:99999/"})
    void aUrlThatIsNotAbsoluteHttpIsAUsageError(String url) {
        Cli.Result result = Cli.run("get", url);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().startsWith("sluice: ");
        assertThat(result.stdout()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "0.0", "abc", "", "NaN", "1e12"})
    void aTimeoutThatIsNotAPositiveNumberOfSecondsIsAUsageError(String seconds) {
        for (String option : List.of("--connect-timeout", "--read-timeout", "--timeout")) {
            Cli.Result result = Cli.run("get", UNUSED_URL, option, seconds);

            assertThat(result.exitCode()).as(option + " " + seconds + ": " + result).isEqualTo(ExitCodes.USAGE);
            assertThat(result.stderrLines()).singleElement().asString().contains(option);
        }
    }

    @Test
    void decimalTimeoutsAreAccepted() {
        // Accepted, so the request is tried: nobody listens, which is exit 4, not 2.
        Cli.Result result = Cli.run("get", UNUSED_URL, "--connect-timeout", "0.5", "--read-timeout", "1.25",
                "--timeout", "2");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "x", "16777217", "99999999999"})
    void aChunkSizeOutOfRangeIsAUsageError(String size) {
        Cli.Result result = Cli.run("get", UNUSED_URL, "--chunk-size", size);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().contains("--chunk-size");
    }

    /**
     * Java reads any Unicode digit as one: a fullwidth 2 was a read timeout of 2 s, an
     * Arabic-Indic zero no retries. A number here is in ASCII digits, as curl requires.
     */
    @ParameterizedTest
    @ValueSource(strings = {"get|--read-timeout|\uFF12", "get|--timeout|\u0663", "get|--max-redirects|\uFF15",
        "get|--chunk-size|\u0661\u0660\u0662\u0664", "download|--retries|\u0660", "download|-j|\uFF14",
        "download|--limit-rate|\uFF11K", "download|--per-host|\u0967"})
    void aNumberInOtherThanAsciiDigitsIsAUsageError(String line) {
        String[] parts = line.split("\\|");
        Cli.Result result = Cli.run(parts[0], UNUSED_URL, parts[1], parts[2]);

        assertThat(result.exitCode()).as(line + ": " + result).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).first().asString().contains(parts[1]).contains("'" + parts[2] + "'");
    }

    /**
     * A number out of range or empty is a usage error that says what the value should be, as
     * for a word: it said "cannot convert" and gave Java's NumberFormatException.
     */
    @ParameterizedTest
    @ValueSource(strings = {"get|--max-redirects|99999999999|an int", "get|--max-redirects||an int",
        "download|--retries|-99999999999|an int", "download|-j|+|an int"})
    void aNumberOutOfRangeOrEmptyIsAUsageErrorSayingWhatItShouldBe(String line) {
        String[] parts = line.split("\\|", -1);
        Cli.Result result = Cli.run(parts[0], UNUSED_URL, parts[1], parts[2]);

        assertThat(result.exitCode()).as(line + ": " + result).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().contains(parts[1])
                .contains("'" + parts[2] + "' is not " + parts[3]).doesNotContain("NumberFormatException");
    }

    @Test
    void aNumberMayHaveASign() {
        Cli.Result result = Cli.run("get", UNUSED_URL, "--max-redirects", "+3", "--connect-timeout", "+5");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.CONNECT);
    }

    @Test
    void negativeMaxRedirectsIsAUsageError() {
        Cli.Result result = Cli.run("get", UNUSED_URL, "--max-redirects", "-1");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().contains("--max-redirects");
    }

    @Test
    void anOptionGivenWithoutItsValueIsAUsageError() {
        assertThat(Cli.run("get", UNUSED_URL, "-o").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"get|-H|X-L: caf\uFFFD", "get|-o|caf\uFFFD.txt", "get|-d|@caf\uFFFD.txt",
        "get|--cacert|ca\uFFFD.pem", "download|-d|d\uFFFD", "download|-i|list\uFFFD.txt",
        "download|--report|r\uFFFD.json", "download|-H|X-L: caf\uFFFD"})
    void anArgumentTheJvmCouldNotDecodeIsAUsageError(String line) {
        // U+FFFD is what the JVM puts where the command line's bytes were not UTF-8: used as it
        // is, the header would go out, and the file be made, under another name.
        String[] parts = line.split("\\|");
        Cli.Result result = Cli.run(parts[0], UNUSED_URL, parts[1], parts[2]);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString()
                .contains("not valid UTF-8 text on this command line: '" + parts[2] + "'");
    }

    @Test
    void dataFromAFileWithoutItsNameIsAUsageError() {
        Cli.Result result = Cli.run("get", UNUSED_URL, "-d", "@");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderrLines()).singleElement().asString().contains("-d @ needs a file name");
    }

    @Test
    void anAtSignIsNeverReadAsAnArgumentFile() {
        // picocli would expand "@file" into arguments; for sluice "@" only means something after -d.
        Cli.Result result = Cli.run("get", "@/etc/hostname");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).contains("@/etc/hostname");
    }
}
