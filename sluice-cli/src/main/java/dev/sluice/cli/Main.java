package dev.sluice.cli;

import dev.sluice.Request;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import dev.sluice.cli.demo.DemoCommand;
import dev.sluice.cli.demo.TrainingCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code sluice} command: parses the arguments with picocli and runs a subcommand. Each
 * subcommand maps its options to library calls and its errors to an exit code
 * ({@link ExitCodes}); this class only wires them up.
 *
 * <pre>{@code
 * int code = Main.run(new String[] {"get", "http://127.0.0.1:8080/x"}, stdout, stderr);
 * }</pre>
 */
@Command(name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Streaming HTTP/1.1 client.",
        footer = {"", "Run 'sluice COMMAND --help' for the options of a command."})
public final class Main implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Runs the tool and exits with its code. */
    public static void main(String[] args) {
        // Standard output unbuffered and unwrapped: body bytes go out as they arrive, and a
        // failed write (a closed pipe, a full disk) is an IOException rather than PrintStream's
        // silent error flag.
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        System.exit(run(args, out, System.err));
    }

    /**
     * Runs the tool in this JVM: {@code out} receives response bodies (bytes exactly) and help
     * text, {@code err} the error line. Returns the exit code; never calls {@code System.exit}.
     * A {@code download} whose thread is interrupted returns 130 (128 + SIGINT, as a shell
     * reports a Ctrl-C); the process itself, stopped by a signal, ends with the JVM's status
     * for that signal (130 for SIGINT, 143 for SIGTERM).
     */
    public static int run(String[] args, OutputStream out, PrintStream err) {
        PrintWriter outText = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errText = new PrintWriter(err, true);
        CommandLine cl = new CommandLine(new Main())
                .addSubcommand(new GetCommand(out, err))
                .addSubcommand(new DownloadCommand(out, err))
                .addSubcommand(new DemoCommand(out, err))
                .addSubcommand(new TrainingCommand(err))
                .addSubcommand(new CommandLine.HelpCommand());
        // Settings after the subcommands so that they apply to the whole tree.
        cl.setExpandAtFiles(false); // "-d @file" is ours: picocli must not read the file as arguments.
        // An option's value may look like an option (-d -V, --data=--raw, -o -out.txt): after an
        // option that takes one, the next argument is its value, as curl reads it.
        cl.setAllowOptionsAsOptionParameters(true);
        // A number on this command line is ASCII (see ascii).
        cl.registerConverter(Integer.class, v -> number(v, "an int", Integer::valueOf));
        cl.registerConverter(int.class, v -> number(v, "an int", Integer::valueOf));
        cl.registerConverter(Long.class, v -> number(v, "a long", Long::valueOf));
        cl.registerConverter(long.class, v -> number(v, "a long", Long::valueOf));
        cl.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        cl.setOut(outText);
        cl.setErr(errText);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            // Commands report their own errors; reaching this is a bug, still shown on one line.
            errText.println("sluice: internal error: " + ErrorLine.oneLine(String.valueOf(e)));
            if (ErrorLine.debug()) {
                e.printStackTrace(errText);
            }
            return ExitCodes.INTERNAL_ERROR;
        });
        try {
            return cl.execute(args);
        } finally {
            outText.flush();
            errText.flush();
        }
    }

    /**
     * {@code value} read by {@code parse} ({@link Integer#valueOf} and the like) when it is a
     * number in ASCII: else (other digits, an empty value, one out of range) the usage error
     * picocli gives for a value that is not {@code kind}.
     */
    static <T> T number(String value, String kind, Function<String, T> parse) {
        try {
            return parse.apply(ascii(value));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not " + kind);
        }
    }

    /**
     * {@code text}, or a NumberFormatException when it holds other than ASCII: Java reads any
     * Unicode digit as a digit (an Arabic-Indic zero as --retries was 0 retries; a fullwidth 2
     * was 2 seconds), and a number on this command line is ASCII.
     */
    static String ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 127) {
                throw new NumberFormatException("not ASCII: " + text);
            }
        }
        return text;
    }

    /** {@code sluice} without a command: the usage, as an error. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("sluice: missing command");
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        String message = String.valueOf(e.getMessage());
        String url = onlyUrl(args);
        if (url != null && !message.contains(url)) { // picocli's messages may quote it already
            message = ErrorLine.withUrl(ErrorLine.excerpt(url), message);
        }
        // One line, and no password: neither in the URL in front nor where picocli quotes an argument.
        failed.getErr().println("sluice: " + ErrorLine.oneLine(Request.hidePasswords(message)) + " (see '"
                + failed.getCommandSpec().qualifiedName() + " --help')");
        if (ErrorLine.debug()) {
            e.printStackTrace(failed.getErr());
        }
        return ExitCodes.USAGE;
    }

    /**
     * The URL of a command line that has exactly one, which an error line names (the contract:
     * one line that names the URL and the cause); null with none or several, when no one URL
     * is the one at fault. Read from the raw arguments: a command line that failed to parse
     * has no parsed URL.
     */
    private static String onlyUrl(String[] args) {
        String found = null;
        for (String arg : args) {
            if (ErrorLine.startsWithUrl(arg)) { // an argument that looks like a URL
                if (found != null && !found.equals(arg)) {
                    return null;
                }
                found = arg;
            }
        }
        return found;
    }

    /** The version from the build, read only when asked for. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"sluice " + p.getProperty("version", "unknown")};
        }
    }
}
