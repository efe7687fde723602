package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * After an option that takes a value, the next argument is that value even when it looks like
 * an option, as curl reads it: {@code -d -V} sends "-V" (it was "Expected parameter for option
 * '--data' but found '-V'", exit 2, even as {@code --data=-V}).
 */
class OptionValueLikeAnOptionTest {
    @ParameterizedTest
    @CsvSource({"-d, -V, -V", "--data=--raw, , --raw", "-d, -data, -data", "--data=-k, , -k"})
    void aValueThatLooksLikeAnOptionIsTheOptionsValue(String option, String value, String sent) throws IOException {
        try (var server = ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(Responses.ok("ok"))))) {
            Cli.Result result = value == null
                    ? Cli.run("get", server.uri("/v").toString(), option)
                    : Cli.run("get", server.uri("/v").toString(), option, value);

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.requests().getFirst().bodyText()).isEqualTo(sent);
        }
    }
}
