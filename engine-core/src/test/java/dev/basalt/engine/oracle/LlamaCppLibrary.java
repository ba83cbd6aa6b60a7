package dev.basalt.engine.oracle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The part of llama.cpp's C API (build b4916) the oracle uses, bound with the FFM linker to the native library
 * that the Maven artifact {@code de.kherud:llama:4.2.0} bundles. Only that library is used, never the
 * artifact's Java API: its worker thread keeps the JVM alive and some of its options abort the JVM.
 *
 * <p>The library is extracted from the test class path into a temporary directory, opened with
 * {@code dlopen}, and the extracted file is deleted at once (the mapping stays valid). It stays loaded for the
 * life of the JVM, which is why this is a process-wide singleton: {@code llama_backend_init} and the log
 * callback are global state of the library. No Java thread is started; with one compute thread ggml starts no
 * native thread either.
 *
 * <p>Each method invokes one C function; pointers are {@link MemorySegment}s of size zero.
 */
@SuppressWarnings("restricted") // binding a native library is this class's purpose; surefire enables native access
final class LlamaCppLibrary {
    /** The llama.cpp build the bundled library was made from, and whose struct layouts {@link LlamaCppStructs} has. */
    static final String BUILD = "b4916";

    private static final String RESOURCE = "de/kherud/llama/Linux/x86_64/libjllama.so";

    private static LlamaCppLibrary instance;
    private static LlamaCppUnavailableException failure;

    private final LlamaCppLog log = new LlamaCppLog();

    private final MethodHandle backendInit;
    private final MethodHandle logSet;
    private final MethodHandle modelDefaultParams;
    private final MethodHandle modelLoadFromFile;
    private final MethodHandle modelFree;
    private final MethodHandle modelGetVocab;
    private final MethodHandle contextDefaultParams;
    private final MethodHandle initFromModel;
    private final MethodHandle free;
    private final MethodHandle vocabNTokens;
    private final MethodHandle tokenize;
    private final MethodHandle decode;
    private final MethodHandle getLogitsIth;
    private final MethodHandle kvSelfClear;

    /**
     * The loaded library.
     *
     * @throws LlamaCppUnavailableException when it cannot be loaded here; every later call throws the same
     *         failure again (as a new exception with the first one as its cause), so each test reports it
     */
    static synchronized LlamaCppLibrary get() {
        if (instance == null && failure == null) {
            try {
                instance = new LlamaCppLibrary(extractAndOpen(LlamaCppLibrary.class.getClassLoader()));
            } catch (LlamaCppUnavailableException e) {
                failure = e;
            } catch (RuntimeException | LinkageError e) {
                failure = new LlamaCppUnavailableException("cannot bind llama.cpp " + BUILD + " from " + RESOURCE
                        + ": " + e, e);
            }
        }
        if (failure != null) {
            throw new LlamaCppUnavailableException(failure.getMessage(), failure);
        }
        return instance;
    }

    /** Extracts the bundled library found through {@code loader} and opens it for the life of the JVM. */
    static SymbolLookup extractAndOpen(ClassLoader loader) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new LlamaCppUnavailableException("the llama.cpp oracle needs Linux x86-64 (the bundled library is "
                    + RESOURCE + "); this JVM runs on " + os + " " + arch, null);
        }
        Path dir = null;
        Path lib = null;
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new LlamaCppUnavailableException("resource " + RESOURCE + " is not on the test class path;"
                        + " engine-core needs the test dependency de.kherud:llama (see the parent pom)", null);
            }
            dir = Files.createTempDirectory("basalt-llama-cpp-");
            lib = dir.resolve("libjllama.so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            return SymbolLookup.libraryLookup(lib, Arena.global());
        } catch (IOException e) {
            throw new LlamaCppUnavailableException("cannot extract " + RESOURCE + " to a temporary directory: " + e, e);
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new LlamaCppUnavailableException("cannot load " + RESOURCE + " (" + e.getMessage() + "); it needs"
                    + " libgomp.so.1 and libstdc++.so.6, and the JVM needs --enable-native-access=ALL-UNNAMED", e);
        } finally {
            // dlopen keeps its own mapping; the file is not needed after it.
            try {
                if (lib != null) {
                    Files.deleteIfExists(lib);
                }
                if (dir != null) {
                    Files.deleteIfExists(dir);
                }
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    private LlamaCppLibrary(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        Binder b = new Binder(linker, lib);
        backendInit = b.bind("llama_backend_init", FunctionDescriptor.ofVoid());
        logSet = b.bind("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        modelDefaultParams = b.bind("llama_model_default_params", FunctionDescriptor.of(LlamaCppStructs.MODEL_PARAMS));
        modelLoadFromFile = b.bind("llama_model_load_from_file",
                FunctionDescriptor.of(ADDRESS, ADDRESS, LlamaCppStructs.MODEL_PARAMS));
        modelFree = b.bind("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelGetVocab = b.bind("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        contextDefaultParams = b.bind("llama_context_default_params",
                FunctionDescriptor.of(LlamaCppStructs.CONTEXT_PARAMS));
        initFromModel = b.bind("llama_init_from_model",
                FunctionDescriptor.of(ADDRESS, ADDRESS, LlamaCppStructs.CONTEXT_PARAMS));
        free = b.bind("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        vocabNTokens = b.bind("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // int32_t llama_tokenize(vocab, text, text_len, tokens, n_tokens_max, add_special, parse_special)
        tokenize = b.bind("llama_tokenize",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN));
        decode = b.bind("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, LlamaCppStructs.BATCH));
        getLogitsIth = b.bind("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        kvSelfClear = b.bind("llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));

        // Route llama.cpp's and ggml's logging into LlamaCppLog before anything logs.
        try {
            MethodHandle target = MethodHandles.lookup().findVirtual(LlamaCppLog.class, "accept",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class)).bindTo(log);
            MemorySegment callback = linker.upcallStub(target, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS),
                    Arena.global());
            logSet.invokeExact(callback, MemorySegment.NULL);
            backendInit.invokeExact();
        } catch (Throwable t) {
            throw new LlamaCppUnavailableException("cannot initialize llama.cpp " + BUILD + ": " + t, t);
        }
    }

    /** Looks up symbols and names the missing one, so a library of another build fails clearly. */
    private record Binder(Linker linker, SymbolLookup lib) {
        MethodHandle bind(String name, FunctionDescriptor fd) {
            MemorySegment symbol = lib.find(name).orElseThrow(() -> new LlamaCppUnavailableException(
                    "the bundled llama.cpp library has no symbol " + name + "; the oracle is written for build " + BUILD,
                    null));
            return linker.downcallHandle(symbol, fd);
        }
    }

    LlamaCppLog log() {
        return log;
    }

    /** {@code llama_model_default_params()}, allocated in {@code arena}. */
    MemorySegment modelDefaultParams(SegmentAllocator arena) {
        try {
            return (MemorySegment) modelDefaultParams.invokeExact(arena);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code llama_model_load_from_file(path, params)}; {@code NULL} when llama.cpp refuses the file. */
    MemorySegment modelLoadFromFile(MemorySegment path, MemorySegment params) {
        try {
            return (MemorySegment) modelLoadFromFile.invokeExact(path, params);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void modelFree(MemorySegment model) {
        try {
            modelFree.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment modelGetVocab(MemorySegment model) {
        try {
            return (MemorySegment) modelGetVocab.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code llama_context_default_params()}, allocated in {@code arena}. */
    MemorySegment contextDefaultParams(SegmentAllocator arena) {
        try {
            return (MemorySegment) contextDefaultParams.invokeExact(arena);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code llama_init_from_model(model, params)}; {@code NULL} on failure. */
    MemorySegment initFromModel(MemorySegment model, MemorySegment params) {
        try {
            return (MemorySegment) initFromModel.invokeExact(model, params);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void free(MemorySegment context) {
        try {
            free.invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int vocabNTokens(MemorySegment vocab) {
        try {
            return (int) vocabNTokens.invokeExact(vocab);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The number of tokens written, or minus the number needed when {@code maxTokens} is too small. */
    int tokenize(MemorySegment vocab, MemorySegment text, int textLength, MemorySegment tokens, int maxTokens,
            boolean addSpecial, boolean parseSpecial) {
        try {
            return (int) tokenize.invokeExact(vocab, text, textLength, tokens, maxTokens, addSpecial, parseSpecial);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** 0 on success, 1 when no KV-cache slot was found, negative on error. */
    int decode(MemorySegment context, MemorySegment batch) {
        try {
            return (int) decode.invokeExact(context, batch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The logits of the {@code i}-th output of the last decode, or {@code NULL} for an invalid index. */
    MemorySegment getLogitsIth(MemorySegment context, int i) {
        try {
            return (MemorySegment) getLogitsIth.invokeExact(context, i);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void kvSelfClear(MemorySegment context) {
        try {
            kvSelfClear.invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
