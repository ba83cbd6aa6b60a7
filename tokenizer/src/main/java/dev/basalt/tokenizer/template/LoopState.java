package dev.basalt.tokenizer.template;

import java.util.List;
import java.util.Map;

/** The {@code loop} variable inside a for loop: position, neighbours, {@code cycle}, and for recursive loops a call. */
final class LoopState implements TemplateFunction {
    private final List<Object> items;
    private final int depth0;
    private final TemplateFunction recurse;
    int index0;
    private Object lastChanged = Scope.MISSING;

    LoopState(List<Object> items, int depth0, TemplateFunction recurse) {
        this.items = items;
        this.depth0 = depth0;
        this.recurse = recurse;
    }

    Object attribute(String name) {
        int n = items.size();
        return switch (name) {
            case "index0" -> (long) index0;
            case "index" -> (long) index0 + 1;
            case "revindex0" -> (long) (n - index0 - 1);
            case "revindex" -> (long) (n - index0);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth0" -> (long) depth0;
            case "depth" -> (long) depth0 + 1;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.withHint("there is no previous item");
            case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : Undefined.withHint("there is no next item");
            case "cycle" -> (TemplateFunction) (args, kw) -> {
                if (args.isEmpty()) {
                    throw RenderError.type("no items for cycling given");
                }
                return args.get(index0 % args.size());
            };
            case "changed" -> (TemplateFunction) (args, kw) -> {
                Object value = args.size() == 1 ? args.getFirst() : PyTuple.of(args);
                boolean changed = lastChanged == Scope.MISSING || !Values.equal(lastChanged, value);
                lastChanged = value;
                return changed;
            };
            default -> Undefined.member(this, name);
        };
    }

    @Override
    public Object call(List<Object> positional, Map<String, Object> keywords) {
        if (recurse == null) {
            throw RenderError.type("Tried to call non recursive loop.  Maybe you forgot the 'recursive' modifier.");
        }
        return recurse.call(positional, keywords);
    }
}
