package dev.sluice.download;

import dev.sluice.ConnectFailedException;
import dev.sluice.HttpStatusException;
import dev.sluice.IntegrityException;
import dev.sluice.ProtocolViolationException;
import dev.sluice.Request;
import dev.sluice.SluiceException;
import dev.sluice.SluiceTimeoutException;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a {@link Downloader} run: one item per job, in job order, and totals. Its
 * JSON form ({@link #toJson()}) is the report of {@code sluice download --report}.
 *
 * <pre>{@code
 * Report report = downloader.run(jobs);
 * report.items().stream().filter(i -> !i.ok())
 *         .forEach(i -> System.err.println(i.error().message())); // each names its URL
 * }</pre>
 *
 * @param items        one per job
 * @param totalBytes   the sum of the items' {@code bytes}
 * @param totalSeconds wall time of the run, in seconds (as in the JSON report)
 */
public record Report(List<Item> items, long totalBytes, double totalSeconds) {

    public Report {
        items = List.copyOf(items);
    }

    /** Whether every job succeeded. */
    public boolean isOk() {
        return items.stream().allMatch(Item::ok);
    }

    /**
     * One job's outcome.
     *
     * @param url        the job's URL
     * @param path       the final path (or where it would have been); a {@link Downloader} always
     *                   names one, and no other item of the run has it
     * @param ok         whether the file is complete and verified at {@code path}
     * @param httpStatus the last HTTP status seen, or null when none arrived
     * @param bytes      when {@code ok}, the size of the file at {@code path} (all of it, also when
     *                   it was resumed, or when a 304 said the file there is current); else the
     *                   bytes of the body its {@code NAME.part} holds for a later run (0 when none)
     * @param seconds    wall time of the job, retries and waits included
     * @param attempts   attempts made
     * @param error      why it failed, or null
     */
    public record Item(String url, String path, boolean ok, Integer httpStatus, long bytes, double seconds,
                       int attempts, Error error) {
    }

    /**
     * A failure: {@code kind} is one of http, connect, timeout, protocol, integrity, io.
     */
    public record Error(String kind, String message) {
        /** How the message of a job that had not ended when its run was interrupted ends (after its URL). */
        public static final String INTERRUPTED = "interrupted before it finished";

        /**
         * The error of a job that had not ended when its run was interrupted (kind {@code io}):
         * {@code URL: interrupted before it finished}, the URL first as in every message, whole
         * and with its password hidden, as the item's {@code url} is.
         */
        public static Error interrupted(String url) {
            return new Error("io", Request.hidePasswords(url) + ": " + INTERRUPTED);
        }

        /**
         * How the message of a job ends whose part file another download was writing (another
         * run into the same directory): it wrote nothing, and removed nothing.
         */
        public static final String PART_IN_USE = "another download is writing it; nothing was changed";

        /** Whether this is the error of a job that left its files alone: another download was writing its part. */
        public boolean isPartInUse() {
            return kind.equals("io") && message.endsWith(PART_IN_USE);
        }

        /** Whether this is the error of a job that had not ended when its run was interrupted. */
        public boolean isInterruption() {
            return kind.equals("io") && message.endsWith(": " + INTERRUPTED);
        }

        /** The report's kind for an exception, matching the command line's exit codes. */
        public static Error of(Exception e) {
            String kind = switch (e) {
                case SluiceException s -> switch (s) {
                    case HttpStatusException h -> "http";
                    case ConnectFailedException c -> "connect";
                    case SluiceTimeoutException t -> "timeout";
                    case ProtocolViolationException p -> "protocol";
                    case IntegrityException i -> "integrity";
                };
                default -> "io";
            };
            return new Error(kind, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** The report as JSON, in the shape of the command-line contract. */
    public String toJson() {
        StringBuilder b = new StringBuilder(128 + items.size() * 192);
        b.append("{\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"url\":");
            string(b, it.url());
            b.append(",\"path\":");
            string(b, it.path());
            b.append(",\"ok\":").append(it.ok());
            b.append(",\"httpStatus\":").append(it.httpStatus() == null ? "null" : it.httpStatus().toString());
            b.append(",\"bytes\":").append(it.bytes());
            b.append(",\"seconds\":").append(number(it.seconds()));
            b.append(",\"attempts\":").append(it.attempts());
            b.append(",\"error\":");
            if (it.error() == null) {
                b.append("null");
            } else {
                b.append("{\"kind\":");
                string(b, it.error().kind());
                b.append(",\"message\":");
                string(b, it.error().message());
                b.append('}');
            }
            b.append('}');
        }
        b.append("],\"totalBytes\":").append(totalBytes);
        b.append(",\"totalSeconds\":").append(number(totalSeconds)).append('}');
        return b.toString();
    }

    private static String number(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff && !validSurrogate(s, i))) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
