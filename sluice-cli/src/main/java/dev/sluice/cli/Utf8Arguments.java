package dev.sluice.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The check that every argument arrived as typed. The JVM decodes the command line as UTF-8
 * (the launcher sees to that) and puts U+FFFD where bytes are not UTF-8: a header value, a file
 * or directory name, a list or report path would then silently name something else, so such
 * an argument is a usage error instead.
 *
 * <pre>{@code
 * Utf8Arguments.require(spec); // in a command's option checks
 * }</pre>
 */
public final class Utf8Arguments {
    private Utf8Arguments() {
    }

    /** @throws ParameterException naming the first argument that holds U+FFFD */
    public static void require(CommandSpec spec) {
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            if (arg.indexOf('\uFFFD') >= 0) {
                throw new ParameterException(spec.commandLine(), "not valid UTF-8 text on this command line: '"
                        + ErrorLine.excerpt(arg) + "' (U+FFFD stands for bytes that could not be decoded; a U+FFFD typed"
                        + " as such is refused too)");
            }
        }
    }
}
