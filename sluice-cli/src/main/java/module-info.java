/**
 * The sluice command-line tool. Picocli reads the command classes reflectively, so the
 * package is open to it. The runnable jar runs on the class path (module-info is left out of
 * it); this descriptor keeps the dependencies honest at compile time.
 */
module dev.sluice.cli {
    requires dev.sluice;
    requires info.picocli;

    opens dev.sluice.cli to info.picocli;
}
