package dev.sluice.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How {@code sluice download} shows progress: {@code --progress=bar|lines|none}, or chosen by where stderr goes. */
enum ProgressMode {
    /** A live view on stderr, redrawn in place; for a terminal. */
    BAR,
    /** A plain line per file as it ends; for logs and pipes. */
    LINES,
    /** Nothing until the end. */
    NONE;

    /** The option's values, in lower case as typed. */
    static final class Converter implements ITypeConverter<ProgressMode> {
        @Override
        public ProgressMode convert(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not one of bar, lines, none");
            }
        }
    }

    /**
     * {@link #BAR} when {@code err} is the process's stderr and that is a terminal that can
     * move the cursor ({@code TERM} is not {@code dumb}), else {@link #LINES}.
     */
    static ProgressMode detect(PrintStream err) {
        boolean terminal = err == System.err && !"dumb".equals(System.getenv("TERM")) && isStderrTerminal();
        return terminal ? BAR : LINES;
    }

    /**
     * Whether file descriptor 2 is a terminal. Java has no isatty; on Linux the link
     * {@code /proc/self/fd/2} names the device. Elsewhere the console stands in for it
     * ({@code Console.isTerminal()} on JDK 22+, which tests stdin and stdout; on JDK 21 a console
     * exists only when both are terminals), so {@code 2>file} may still draw there.
     */
    static boolean isStderrTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return consoleIsTerminal();
        }
    }

    private static boolean consoleIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Compiled for Java 21, where the method does not exist yet.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
