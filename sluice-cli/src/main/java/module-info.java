/**
 * The sluice command-line tool. Picocli reads the command classes reflectively, so the
 * package is open to it. The runnable jar runs on the class path (module-info is left out of
 * it); this descriptor keeps the dependencies honest at compile time.
 */
module dev.sluice.cli {
    requires dev.sluice;
    requires info.picocli;
    // The demo serves its files from the JDK's HTTP server and reports heap peaks.
    requires jdk.httpserver;
    requires java.management;

    opens dev.sluice.cli to info.picocli;
    opens dev.sluice.cli.demo to info.picocli;
}
