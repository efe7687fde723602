package dev.sluice.engine;

/** What an exchange is doing: the words its errors say it with, and whether it is sending. */
enum Phase {
    SENDING("sending the request"),
    WAITING_FOR_CONTINUE("waiting for 100 Continue"),
    WAITING_FOR_HEAD("waiting for the response head"),
    READING_BODY("reading the body");

    private final String words;

    Phase(String words) {
        this.words = words;
    }

    /** Whether the request is going out: a silence is then the server taking nothing. */
    boolean sending() {
        return this == SENDING;
    }

    @Override
    public String toString() {
        return words;
    }
}
