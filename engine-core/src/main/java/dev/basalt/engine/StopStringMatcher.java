package dev.basalt.engine;

import java.util.List;

/**
 * Watches streamed text for stop strings. Text that might be the beginning of a stop string is held back until
 * it is clearly not; when a stop string completes, everything from its start on is dropped.
 */
final class StopStringMatcher {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean matched;

    StopStringMatcher(List<String> stops) {
        this.stops = stops;
    }

    /** Adds streamed text; returns what can be released now. */
    String feed(String text) {
        if (stops.isEmpty()) {
            return text;
        }
        held.append(text);
        int earliest = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            matched = true;
            String out = held.substring(0, earliest);
            held.setLength(0);
            return out;
        }
        int keep = 0;
        for (String s : stops) {
            keep = Math.max(keep, longestSuffixThatPrefixes(held, s));
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Adds the last text and releases everything still held (no stop string can complete any more). */
    String finish(String text) {
        String out = feed(text);
        if (matched) {
            return out;
        }
        out += held;
        held.setLength(0);
        return out;
    }

    boolean matched() {
        return matched;
    }

    private static int longestSuffixThatPrefixes(CharSequence text, String stop) {
        int max = Math.min(text.length(), stop.length() - 1);
        for (int n = max; n > 0; n--) {
            boolean ok = true;
            for (int i = 0; i < n && ok; i++) {
                ok = text.charAt(text.length() - n + i) == stop.charAt(i);
            }
            if (ok) {
                return n;
            }
        }
        return 0;
    }
}
