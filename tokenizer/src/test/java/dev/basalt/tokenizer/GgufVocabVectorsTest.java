package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every llama.cpp tokenizer vector: the GGUF vocabulary's tokenizer gives exactly llama.cpp's (and HF's) ids. */
@Tag("testdata")
class GgufVocabVectorsTest {
    static final List<String> NAMES = VocabVectors.NAMES;

    @Test
    void allThirteenVocabulariesHave46Texts() {
        for (String name : NAMES) {
            assertEquals(46, VocabVectors.load(name).texts().size(), name);
        }
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void idsEqualLlamaCpp(String name) throws IOException {
        VocabVectors v = VocabVectors.load(name);
        Tokenizer t = Tokenizers.load(VocabVectors.gguf(name));
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < v.texts().size(); i++) {
            int[] actual = t.encode(v.texts().get(i), false, false);
            if (!Arrays.equals(v.ids().get(i), actual)) {
                failures.append("\n  text ").append(i).append(" ").append(escape(v.texts().get(i)))
                        .append("\n    expected ").append(Arrays.toString(v.ids().get(i)))
                        .append("\n    actual   ").append(Arrays.toString(actual));
            }
        }
        if (!failures.isEmpty()) {
            fail(name + ":" + failures);
        }
    }

    static String escape(String s) {
        return '"' + s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + '"';
    }
}
