package dev.basalt.tensor;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared reference data (llama.cpp and Hugging Face outputs) that tests read in place.
 * The build passes {@code -Dbasalt.testdata}; it defaults to {@code ../shared/testdata} beside the checkout.
 */
public final class TestData {
    private TestData() {
    }

    public static Path root() {
        String configured = System.getProperty("basalt.testdata");
        Path root = configured != null ? Path.of(configured) : Path.of("../../shared/testdata");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("reference test data not found at " + root.toAbsolutePath().normalize()
                    + ": put the shared folder beside the checkout (../shared/testdata) or pass -Dbasalt.testdata=<dir>;"
                    + " to run only the tests that need no reference data, add -DexcludedGroups=testdata");
        }
        return root;
    }

    public static Path path(String first, String... more) {
        Path p = root().resolve(first);
        for (String m : more) {
            p = p.resolve(m);
        }
        if (!Files.exists(p)) {
            throw new IllegalStateException("reference file missing: " + p.toAbsolutePath().normalize());
        }
        return p;
    }
}
