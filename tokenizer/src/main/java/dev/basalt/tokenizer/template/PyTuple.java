package dev.basalt.tokenizer.template;

import java.util.AbstractList;
import java.util.List;

/** A Python tuple: an immutable sequence that prints with parentheses ({@code dict.items()} yields these). */
final class PyTuple extends AbstractList<Object> {
    private final Object[] items;

    PyTuple(Object... items) {
        this.items = items;
    }

    static PyTuple of(List<?> items) {
        return new PyTuple(items.toArray());
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
