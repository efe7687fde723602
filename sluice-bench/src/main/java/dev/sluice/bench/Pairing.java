package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Interleaves sluice and one peer run by run and keeps the per-pair speed ratios.
 *
 * <p>The machine is shared: its speed drifts by a factor of three within minutes. A ratio of two
 * runs taken seconds apart survives that drift; a ratio of two medians taken minutes apart does
 * not. The order inside a pair alternates (sluice first, then the peer first) so that neither
 * side always runs on the warmer cache.
 */
final class Pairing {

    /** One measured run: seconds for a transfer, or requests per second for a rate. */
    @FunctionalInterface
    interface Measure {
        double run() throws Exception;
    }

    /** Whether a bigger figure is better (a rate) or smaller is (seconds). */
    enum Unit {
        SECONDS, RATE
    }

    final String peer;
    final Unit unit;
    final List<Double> sluice = new ArrayList<>();
    final List<Double> peerValues = new ArrayList<>();
    /** sluice speed / peer speed for each pair: above 1 means sluice was faster. */
    final List<Double> ratios = new ArrayList<>();

    Pairing(String peer, Unit unit) {
        this.peer = peer;
        this.unit = unit;
    }

    /** Runs pair number {@code index}: sluice first when it is even, the peer first otherwise. */
    void runPair(int index, Measure sluiceRun, Measure peerRun) throws Exception {
        double s;
        double p;
        if (index % 2 == 0) {
            s = sluiceRun.run();
            p = peerRun.run();
        } else {
            p = peerRun.run();
            s = sluiceRun.run();
        }
        sluice.add(s);
        peerValues.add(p);
        ratios.add(unit == Unit.SECONDS ? p / s : s / p);
        System.out.printf("  pair %d vs %-28s sluice %s  peer %s  ratio %.3f%n", index + 1, peer,
                format(s), format(p), ratios.get(ratios.size() - 1));
    }

    /** Records a pair measured elsewhere (a round shared by several peers), in the same form as {@link #runPair}. */
    void record(double s, double p) {
        sluice.add(s);
        peerValues.add(p);
        ratios.add(unit == Unit.SECONDS ? p / s : s / p);
        System.out.printf("  round %d vs %-28s sluice %s  peer %s  ratio %.3f%n", ratios.size(), peer,
                format(s), format(p), ratios.get(ratios.size() - 1));
    }

    String format(double v) {
        return unit == Unit.SECONDS ? String.format("%.3f s", v) : String.format("%,.0f/s", v);
    }

    Stats sluiceStats() {
        return Stats.of(sluice);
    }

    Stats peerStats() {
        return Stats.of(peerValues);
    }

    Stats ratioStats() {
        return Stats.of(ratios);
    }
}
