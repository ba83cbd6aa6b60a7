package dev.basalt.kernels.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads a private copy of a kernel class per weight format, as a hidden class whose class data is the format.
 *
 * <p>Why: the Vector API compiles to machine vectors only when the JIT inlines every operation into one method;
 * a kernel shared by six formats has all six decoders behind a switch the JIT cannot fold (the format is an
 * instance field), which exceeds its inlining budget and leaves vectors boxed on the heap (measured: 6 MB
 * allocated and 10x the time per 2048x2048 product). In a copy, {@code classData} is a {@code static final}
 * constant: the switch folds to the one decoder, and each format gets its own compiled code and profile.
 */
final class SpecializedKernel {
    private SpecializedKernel() {
    }

    /**
     * One copy per format for the whole JVM: each copy is compiled and profiled on its own, so a copy per matrix
     * would repeat the JIT's warm-up for every matrix of a model. Kernels are stateless and shared.
     */
    private static final Map<Enum<?>, RowKernel> LOADED = new HashMap<>();

    /**
     * The instance of the copy of {@code template} (a class of its own, not a subclass) whose {@code MethodHandles.classData} is {@code format}; the
     * template must have a no-argument constructor and read its format with {@link #format}.
     */
    static synchronized RowKernel load(Class<? extends RowKernel> template, Enum<?> format) {
        RowKernel loaded = LOADED.get(format);
        if (loaded == null) {
            loaded = define(template, format);
            LOADED.put(format, loaded);
        }
        return loaded;
    }

    private static RowKernel define(Class<? extends RowKernel> template, Enum<?> format) {
        String resource = template.getSimpleName() + ".class";
        try (InputStream in = template.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " not found beside " + template.getName());
            }
            byte[] bytes = in.readAllBytes();
            MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, format, true);
            Constructor<?> constructor = copy.lookupClass().getDeclaredConstructor();
            return (RowKernel) constructor.newInstance();
        } catch (IOException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot specialize " + template.getName() + " for " + format, e);
        }
    }

    /** In a copy's static initializer: the format it was loaded for (null in the template itself). */
    static <E extends Enum<E>> E format(MethodHandles.Lookup copy, Class<E> type) {
        try {
            return MethodHandles.classData(copy, java.lang.constant.ConstantDescs.DEFAULT_NAME, type);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
