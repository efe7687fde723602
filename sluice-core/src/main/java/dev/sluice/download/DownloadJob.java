package dev.sluice.download;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One file to download.
 *
 * <pre>{@code
 * new DownloadJob(URI.create("https://example.org/a.iso"), Path.of("a.iso"), Optional.empty())
 * }</pre>
 *
 * @param uri      where it comes from
 * @param target   the final path; the body streams to {@code target + ".part"} first. When
 *                 null, the name comes from the response (Content-Disposition) or the URL path,
 *                 inside the downloader's directory
 * @param checksum the expected digest, if any
 */
public record DownloadJob(URI uri, Path target, Optional<Checksum> checksum) {

    public DownloadJob {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(checksum, "checksum");
    }

    /** A job whose file name comes from the response or the URL. */
    public static DownloadJob of(URI uri) {
        return new DownloadJob(uri, null, Optional.empty());
    }
}
