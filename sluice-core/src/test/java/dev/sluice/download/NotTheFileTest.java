package dev.sluice.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Client;
import dev.sluice.testkit.Responses;
import dev.sluice.testkit.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A downloader saves only 2xx bodies. A 304 to the caller's own conditional request says the
 * file there is current; any other 3xx the client did not follow is not the file at all.
 */
class NotTheFileTest {
    private static final String OLD = "the copy from yesterday";
    @TempDir
    Path dir;
    @TempDir
    Path outside;
    private final Client client = Client.builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private Report run(ScriptedServer server, String... headers) throws InterruptedException {
        Downloader.Builder b = Downloader.builder(client).directory(dir).sleeper(d -> { });
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build().run(List.of(new DownloadJob(server.uri("/file.txt"), Path.of("file.txt"), Optional.empty())));
    }

    private List<String> filesIn() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static ScriptedServer answering(String response) throws IOException {
        return ScriptedServer.start(s -> s.onEveryRequest((req, r) -> r.send(response)));
    }

    @Test
    void aNotModifiedToTheCallersIfNoneMatchLeavesTheFileThereAsItIs() throws Exception {
        Files.writeString(dir.resolve("file.txt"), OLD);
        try (var server = answering(Responses.head(304, "ETag: \"v1\""))) {
            Report report = run(server, "If-None-Match", "\"v1\"");

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isTrue();
            assertThat(item.httpStatus()).isEqualTo(304);
            assertThat(item.bytes()).isEqualTo(OLD.length());
            assertThat(report.totalBytes()).isEqualTo(OLD.length());
            assertThat(Files.readString(dir.resolve("file.txt"))).isEqualTo(OLD);
            assertThat(filesIn()).containsExactly("file.txt");
            assertThat(server.requests().get(0).header("If-None-Match")).isEqualTo("\"v1\"");
        }
    }

    @Test
    void aNotModifiedToIfModifiedSinceWithNoFileThereFailsAndWritesNothing() throws Exception {
        // "Not modified" cannot be true of a file that is not there: reporting it as a success
        // of 0 bytes would pass for a downloaded empty file.
        try (var server = answering(Responses.head(304))) {
            Report report = run(server, "If-Modified-Since", "Mon, 02 Jun 2025 10:00:00 GMT");

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(304);
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).isEqualTo(server.uri("/file.txt")
                    + ": 304 Not Modified but there is no file at " + dir.resolve("file.txt"));
            assertThat(item.bytes()).isZero();
            assertThat(filesIn()).isEmpty();
        }
    }

    @Test
    void aNotModifiedWithASymbolicLinkAtThePathIsNoFileThere() throws Exception {
        Path elsewhere = Files.writeString(outside.resolve("other.txt"), OLD);
        Files.createSymbolicLink(dir.resolve("file.txt"), elsewhere);
        try (var server = answering(Responses.head(304, "ETag: \"v1\""))) {
            Report report = run(server, "If-None-Match", "\"v1\"");

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isFalse();
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).endsWith(": 304 Not Modified but there is no file at "
                    + dir.resolve("file.txt") + " (a symbolic link is there)");
            assertThat(Files.readString(elsewhere)).isEqualTo(OLD);
        }
    }

    @Test
    void aNotModifiedFileThatDoesNotMatchTheChecksumFailsAsIntegrity() throws Exception {
        Files.writeString(dir.resolve("file.txt"), OLD);
        try (var server = answering(Responses.head(304, "ETag: \"v1\""))) {
            Checksum wrong = Checksum.parse("sha256=" + "0".repeat(64));
            Report report = Downloader.builder(client).directory(dir).sleeper(d -> { })
                    .header("If-None-Match", "\"v1\"").build()
                    .run(List.of(new DownloadJob(server.uri("/file.txt"), Path.of("file.txt"), Optional.of(wrong))));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).as("%s", report.toJson()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(304);
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("integrity");
            // The library leaves a file it did not write alone (the command line applies its own rule).
            assertThat(Files.readString(dir.resolve("file.txt"))).isEqualTo(OLD);
        }
    }

    @Test
    void aNotModifiedFileThatMatchesTheChecksumSucceeds() throws Exception {
        Files.writeString(dir.resolve("file.txt"), OLD);
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(OLD.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try (var server = answering(Responses.head(304, "ETag: \"v1\""))) {
            Report report = Downloader.builder(client).directory(dir).sleeper(d -> { })
                    .header("If-None-Match", "\"v1\"").build()
                    .run(List.of(new DownloadJob(server.uri("/file.txt"), Path.of("file.txt"),
                            Optional.of(Checksum.parse("sha256=" + sha256)))));

            assertThat(report.items().get(0).ok()).as("%s", report.toJson()).isTrue();
            assertThat(report.items().get(0).bytes()).isEqualTo(OLD.length());
        }
    }

    @Test
    void aNotModifiedToAnUnconditionalRequestIsAProtocolErrorAndNotRetried() throws Exception {
        Files.writeString(dir.resolve("file.txt"), OLD);
        try (var server = answering(Responses.head(304))) {
            Report report = run(server);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(304);
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).isEqualTo(server.uri("/file.txt") + ": HTTP 304 Not Modified is not the "
                    + "file: a 304 Not Modified to a request without If-None-Match or If-Modified-Since");
            assertThat(item.bytes()).isZero();
            // The library leaves a file it did not write alone (the command line applies its own rule).
            assertThat(Files.readString(dir.resolve("file.txt"))).isEqualTo(OLD);
            assertThat(filesIn()).containsExactly("file.txt");
        }
    }

    @Test
    void aMultipleChoicesWithABodyIsNotSavedAsTheFile() throws Exception {
        Files.writeString(dir.resolve("file.txt"), OLD);
        String body = "<a href=a.txt>a</a> <a href=b.txt>b</a>";
        try (var server = answering("HTTP/1.1 300 Multiple Choices\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)) {
            Report report = run(server);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.httpStatus()).isEqualTo(300);
            assertThat(item.attempts()).isEqualTo(1);
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).isEqualTo(server.uri("/file.txt")
                    + ": HTTP 300 Multiple Choices is not the file: a 3xx status that is no redirect to follow");
            assertThat(Files.readString(dir.resolve("file.txt"))).isEqualTo(OLD);
            assertThat(filesIn()).containsExactly("file.txt");
        }
    }

    @Test
    void aStatusUpTo399WithABodyIsNotSavedEither() throws Exception {
        try (var server = answering("HTTP/1.1 399 Odd\r\nContent-Length: 4\r\n\r\nodd!")) {
            Report report = run(server);

            assertThat(report.items().get(0).error().message()).contains("HTTP 399 Odd is not the file");
            assertThat(filesIn()).isEmpty();
        }
    }

    @Test
    void aRedirectWithoutALocationIsNotSavedAsTheFile() throws Exception {
        try (var server = answering(Responses.status(302, "moved, but where?"))) {
            Report report = run(server);

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).endsWith(": HTTP 302 Found is not the file: a redirect without a Location");
            assertThat(filesIn()).isEmpty();
        }
    }

    @Test
    void aRedirectTheClientWasToldNotToFollowIsNotSavedAsTheFile() throws Exception {
        try (var server = answering(Responses.status(301, "", "Location: /elsewhere.txt"));
             Client noRedirects = Client.builder().followRedirects(false).build()) {
            Report report = Downloader.builder(noRedirects).directory(dir).build()
                    .run(List.of(new DownloadJob(server.uri("/file.txt"), Path.of("file.txt"), Optional.empty())));

            Report.Item item = report.items().get(0);
            assertThat(item.ok()).isFalse();
            assertThat(item.error().kind()).isEqualTo("protocol");
            assertThat(item.error().message()).endsWith(
                    ": HTTP 301 Moved Permanently is not the file: a redirect to /elsewhere.txt that was not followed");
            assertThat(filesIn()).isEmpty();
        }
    }
}
