package dev.sluice.download;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a {@link Downloader} tells its listener as jobs progress; one record per kind.
 *
 * <pre>{@code
 * Downloader d = Downloader.builder(client).listener(e -> {
 *     switch (e) {
 *         case ProgressEvent.Finished f -> System.out.println(f.path() + ": " + f.bytes() + " bytes");
 *         case ProgressEvent.Failed f -> System.err.println(f.cause().getMessage());
 *         default -> { }
 *     }
 * }).build();
 * }</pre>
 */
public sealed interface ProgressEvent {

    /** The job this event is about. */
    DownloadJob job();

    /**
     * An attempt began, to be saved at {@code path} (the name is known once the response
     * arrived); {@code resumeFrom} bytes were already in the part file.
     */
    record Started(DownloadJob job, Path path, int attempt, long resumeFrom, OptionalLong totalBytes)
            implements ProgressEvent {
    }

    /** More bytes arrived: {@code bytes} in all so far for this job. */
    record Bytes(DownloadJob job, long bytes, OptionalLong totalBytes) implements ProgressEvent {
    }

    /** Attempt number {@code attempt} (from 1) failed, and attempt {@code attempt + 1} follows after {@code delay}. */
    record Retry(DownloadJob job, int attempt, Exception cause, Duration delay) implements ProgressEvent {
    }

    /** The file is complete and verified at {@code path}. */
    record Finished(DownloadJob job, Path path, long bytes, Duration elapsed) implements ProgressEvent {
    }

    /**
     * The job gave up; {@code path} is the final path it had, where no file is left.
     * {@code notRetried} says why a failure that is otherwise retried was not, when the cause
     * does not say it itself: {@code "Retry-After of 36000 s is over the 10-minute limit"}.
     */
    record Failed(DownloadJob job, Path path, Exception cause, Duration elapsed, Optional<String> notRetried)
            implements ProgressEvent {

        public Failed {
            Objects.requireNonNull(notRetried, "notRetried");
        }

        /** A failure whose cause says all. */
        public Failed(DownloadJob job, Path path, Exception cause, Duration elapsed) {
            this(job, path, cause, elapsed, Optional.empty());
        }
    }

    /** Receives events from several download threads at once: implementations must be thread-safe and quick. */
    @FunctionalInterface
    interface Listener {
        void on(ProgressEvent event);
    }
}
