package dev.sluice.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figures of several clients measured round by round: each round runs every client once, in an
 * order that rotates from round to round, so that the ratio of two clients can be taken within a
 * round (the machine's speed drifts between minutes) and no client always runs first or last.
 */
final class Rounds {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    void add(String series, double value) {
        values.computeIfAbsent(series, k -> new ArrayList<>()).add(value);
    }

    List<Double> get(String series) {
        return values.getOrDefault(series, List.of());
    }

    boolean has(String series) {
        return !get(series).isEmpty();
    }

    Stats stats(String series) {
        return Stats.of(get(series));
    }

    /** {@code numerator / denominator} round by round (rounds where either is missing are skipped). */
    List<Double> ratios(String numerator, String denominator) {
        List<Double> a = get(numerator);
        List<Double> b = get(denominator);
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return r;
    }

    /** The list turned left by {@code k} places: round k starts with a different client. */
    static <T> List<T> rotate(List<T> list, int k) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get((i + k) % list.size()));
        }
        return out;
    }

    /** {@code **1.23** (1.01–1.40)}: a median ratio and its range. */
    static String ratio(List<Double> ratios) {
        Stats s = Stats.of(ratios);
        return s.count() == 0 ? "–" : String.format("**%.2f** (%.2f–%.2f)", s.median(), s.min(), s.max());
    }

    /** The ratios in run order, for the report. */
    static String each(List<Double> ratios) {
        StringBuilder b = new StringBuilder("`");
        for (double x : ratios) {
            b.append(String.format("%.2f ", x));
        }
        if (b.length() > 1) {
            b.setLength(b.length() - 1);
        }
        return b.append('`').toString();
    }

    /** {@code 1.234 (1.100–1.400)}: seconds, median and range. */
    static String seconds(Stats s) {
        return s.count() == 0 ? "–" : String.format("%.3f (%.3f–%.3f)", s.median(), s.min(), s.max());
    }
}
