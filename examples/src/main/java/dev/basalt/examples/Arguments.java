package dev.basalt.examples;

import java.util.List;

/** Walks a command's arguments; option values are parsed with a usage error that names the option. */
public final class Arguments {
    private final List<String> args;
    private int next;

    public Arguments(List<String> args) {
        this.args = args;
    }

    public boolean hasNext() {
        return next < args.size();
    }

    public String next() {
        return args.get(next++);
    }

    public String value(String option) {
        if (!hasNext()) {
            throw new UsageException(option + " needs a value");
        }
        return next();
    }

    public int intValue(String option) {
        String v = value(option);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number, got '" + v + "'");
        }
    }

    public long longValue(String option) {
        String v = value(option);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number, got '" + v + "'");
        }
    }

    public float floatValue(String option) {
        String v = value(option);
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, got '" + v + "'");
        }
    }
}
