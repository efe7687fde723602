package dev.sluice.cli.demo;

import dev.sluice.cli.demo.DemoSettings.Format;
import java.util.List;
import java.util.Locale;

/**
 * The demo's chart: one horizontal bar per mode, its length the wall time on an axis in
 * seconds, labelled with the time, the throughput and the peak memory; a dashed mark on each
 * bar shows the least time the simulated network allows for that mode. Plain SVG 1.1, no
 * script, no fonts beyond the generic family, so it opens in any browser.
 */
final class SvgChart {
    private static final int WIDTH = 980;
    private static final int LABEL_RIGHT = 300;
    private static final int PLOT_LEFT = 312;
    private static final int PLOT_RIGHT = 700;
    private static final int TOP = 78;
    private static final int BAR = 30;
    private static final int GAP = 16;
    private static final String SYNC_COLOUR = "#4c78a8";
    private static final String ASYNC_COLOUR = "#f58518";

    private SvgChart() {
    }

    static String render(List<ModeResult> results, DemoSettings settings, String environment) {
        double max = 0;
        for (ModeResult r : results) {
            max = Math.max(max, Math.max(r.seconds(), settings.floorSeconds(r.mode())));
        }
        double step = niceStep(max);
        double axisMax = Math.max(step, Math.ceil(max / step) * step);
        int axisY = TOP + results.size() * (BAR + GAP);
        int height = axisY + 84;

        StringBuilder s = new StringBuilder(4096);
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">%n", WIDTH, height, WIDTH, height));
        s.append("<title>sluice demo: wall time per mode</title>\n");
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        text(s, 20, 30, "start", "font-size=\"17\" font-weight=\"bold\"", "sluice demo: the same files downloaded four ways");
        text(s, 20, 52, "start", "fill=\"#333333\"", settings.summary());
        text(s, 20, 70, "start", "fill=\"#666666\" font-size=\"11\"",
                "wall time per mode, shorter is better; memory: the peak of the JVM heap in use; " + environment);

        // Grid lines and tick labels first, so that the bars are drawn over them.
        long ticks = Math.round(axisMax / step);
        for (long k = 0; k <= ticks; k++) {
            double t = k * step;
            double x = xOf(t, axisMax);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e3e3\"/>%n",
                    x, TOP - 6, x, axisY));
            text(s, x, axisY + 18, "middle", "fill=\"#333333\"", tickLabel(t, step));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>%n",
                PLOT_LEFT, axisY, PLOT_RIGHT, axisY));
        text(s, (PLOT_LEFT + PLOT_RIGHT) / 2.0, axisY + 38, "middle", "", "wall time (seconds)");

        for (int i = 0; i < results.size(); i++) {
            ModeResult r = results.get(i);
            int y = TOP + i * (BAR + GAP);
            double end = xOf(r.seconds(), axisMax);
            double floor = xOf(settings.floorSeconds(r.mode()), axisMax);
            text(s, LABEL_RIGHT, y + BAR / 2.0 + 5, "end", "", r.mode().label());
            s.append(String.format(Locale.ROOT,
                    "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                    PLOT_LEFT, y, Math.max(1, end - PLOT_LEFT), BAR, r.mode().isAsync() ? ASYNC_COLOUR : SYNC_COLOUR,
                    escape(r.mode().label() + ": " + Format.seconds(r.seconds()))));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222222\""
                    + " stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>%n", floor, y - 3, floor, y + BAR + 3));
            String value = Format.seconds(r.seconds()) + " \u00b7 " + Format.rate(r.throughput())
                    + " \u00b7 memory " + Format.bytes(r.peakHeapBytes())
                    + (r.verifiedFiles() == r.outcomes().size() ? "" : " \u00b7 " + r.failures().size() + " failed");
            text(s, Math.max(end, floor) + 8, y + BAR / 2.0 + 5, "start", "fill=\"#222222\"", value);
        }

        int legendY = axisY + 64;
        legend(s, 20, legendY, "rect", SYNC_COLOUR, "synchronous API");
        legend(s, 180, legendY, "rect", ASYNC_COLOUR, "asynchronous API");
        legend(s, 350, legendY, "line", "#222222", "least time this network allows (round trips + bytes at the bandwidth)");
        s.append("</svg>\n");
        return s.toString();
    }

    private static double xOf(double seconds, double axisMax) {
        return PLOT_LEFT + seconds / axisMax * (PLOT_RIGHT - PLOT_LEFT);
    }

    /** 1, 2 or 5 times a power of ten, giving four to ten ticks. */
    static double niceStep(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double raw = max / 5;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double unit = raw / power;
        double nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10;
        return nice * power;
    }

    private static String tickLabel(double t, double step) {
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", t);
    }

    private static void legend(StringBuilder s, int x, int y, String shape, String colour, String label) {
        if (shape.equals("rect")) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>%n",
                    x, y - 11, colour));
        } else {
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>%n", x + 7, y - 13, x + 7, y + 5, colour));
        }
        text(s, x + 20, y, "start", "", label);
    }

    private static void text(StringBuilder s, double x, double y, String anchor, String attributes, String content) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n",
                x, y, anchor, attributes.isEmpty() ? "" : " " + attributes, escape(content)));
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c < 0x20 ? ' ' : c);
            }
        }
        return b.toString();
    }
}
