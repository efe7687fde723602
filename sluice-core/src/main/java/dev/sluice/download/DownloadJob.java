package dev.sluice.download;

import dev.sluice.Request;
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
 * @param uri      where it comes from, as a request goes out to it: its path's dot segments
 *                 resolved (see {@link Request#newBuilder(String)}), as the report names it
 * @param target   the final path, a relative one resolved against the downloader's directory;
 *                 the body streams to {@code target + ".part"} first. When null, the name
 *                 comes from the response (Content-Disposition) or the URL path, inside the
 *                 downloader's directory
 * @param checksum the expected digest, if any
 */
public record DownloadJob(URI uri, Path target, Optional<Checksum> checksum) {

    /**
     * Checks the URL as a request does: a job that could never be sent is refused now, not
     * reported later as a failed download. The URL kept is the request's: the report and its
     * messages then name one URL, the one fetched.
     *
     * @throws IllegalArgumentException when {@code uri} is not an absolute http or https URL a
     *                                  request can carry (see {@link Request#newBuilder(String)})
     */
    public DownloadJob {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(checksum, "checksum");
        uri = Request.newBuilder(uri).build().uri();
    }

    /** A job whose file name comes from the response or the URL. */
    public static DownloadJob of(URI uri) {
        return new DownloadJob(uri, null, Optional.empty());
    }
}
