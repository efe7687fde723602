package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The exit codes {@code sluice get --help} lists are the ones get can return. */
class GetHelpExitCodesTest {
    @Test
    void noIntegrityExitCodeForGetHasNoChecksumOption() {
        String help = Cli.run("get", "--help").stdoutText();
        assertThat(help).contains("Exit codes:", "  6  protocol error", "  8  local I/O error")
                .doesNotContain("  7  ");
        assertThat(Cli.run("download", "--help").stdoutText()).contains("7 checksum mismatch");
    }

    @Test
    void theHelpSaysWhatIsWrittenInPlaceAsTheCodeDecides() {
        // A regular file in /dev/shm is replaced atomically and removed on failure, as anywhere.
        String help = Cli.run("get", "--help").stdoutText();
        assertThat(help).contains("a path in /proc", "or a link into it").doesNotContain("a path in /dev");
    }
}
