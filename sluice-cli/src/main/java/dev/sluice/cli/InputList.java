package dev.sluice.cli;

import dev.sluice.download.Checksum;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code -i FILE} of {@code sluice download}: one download per line, as
 * {@code URL[<TAB>relative/path[<TAB>ALGO:HEX]]}. Blank lines and lines starting with
 * {@code #} are skipped; a CR before the line end (a file written on Windows) is ignored.
 * Only the shape of a line is checked here; what a URL or a name may be is decided where the
 * job is made, the same way for the command line and the file.
 */
final class InputList {
    private static final char COLUMN_SEPARATOR = '\t';
    private static final int MAX_COLUMNS = 3;

    /**
     * One line that names a download.
     *
     * @param where    {@code FILE:LINE}, for messages
     * @param url      the URL as written
     * @param name     the output path relative to the directory, or null to take it from the response
     * @param checksum the expected digest, or null
     */
    record Line(String where, String url, String name, Checksum checksum) {
    }

    private InputList() {
    }

    /**
     * Reads every line of {@code in}; {@code source} names it in messages.
     *
     * @throws IllegalArgumentException for a malformed line, with a message starting {@code FILE:LINE: }
     */
    static List<Line> read(BufferedReader in, String source) throws IOException {
        List<Line> lines = new ArrayList<>();
        int number = 0;
        for (String text = in.readLine(); text != null; text = in.readLine()) {
            number++;
            if (number == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1); // a byte order mark some editors write
            }
            String where = source + ":" + number;
            Line line = parse(text, where);
            if (line != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The download one line names, or null for a blank line or a comment. */
    static Line parse(String text, String where) {
        String t = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        if (t.isBlank() || t.stripLeading().startsWith("#")) {
            return null;
        }
        String[] columns = t.split(String.valueOf(COLUMN_SEPARATOR), -1);
        if (columns.length > MAX_COLUMNS) {
            throw new IllegalArgumentException(where + ": expected URL, TAB, name, TAB, checksum; found "
                    + columns.length + " TAB-separated columns");
        }
        String url = columns[0].strip();
        if (url.isEmpty()) {
            throw new IllegalArgumentException(where + ": the line has no URL before its first TAB");
        }
        String name = columns.length > 1 && !columns[1].isBlank() ? columns[1].strip() : null;
        Checksum checksum = null;
        if (columns.length > 2 && !columns[2].isBlank()) {
            try {
                checksum = Checksum.parse(columns[2].strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return new Line(where, url, name, checksum);
    }
}
