package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed or unsupported tokenizer.json files give a TokenizerException naming the file; Split behaviours. */
class HuggingFaceErrorsTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        return file;
    }

    private TokenizerException failure(String json) throws IOException {
        Path file = write(json);
        TokenizerException e = assertThrows(TokenizerException.class, () -> HuggingFaceTokenizer.load(file));
        assertTrue(e.getMessage().contains(file.toString()), () -> "names the file: " + e.getMessage());
        return e;
    }

    private static final String MODEL = "\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\"]}";

    @Test
    void notJson() throws IOException {
        assertTrue(failure("{\"model\": {\"vocab\": ").getMessage().contains("not valid JSON"));
        assertTrue(failure("this is not json").getMessage().contains("not valid JSON"));
        assertTrue(failure("[1, 2]").getMessage().contains("not a JSON object"));
    }

    @Test
    void missingModel() throws IOException {
        assertTrue(failure("{\"version\": \"1.0\"}").getMessage().contains("\"model\""));
    }

    @Test
    void mergesNamingUnknownTokens() throws IOException {
        String e = failure("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [[\"a\", \"c\"]]}}").getMessage();
        assertTrue(e.contains("\"c\"") && e.contains("merge 0"), e);
        assertTrue(failure("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a\"]}}").getMessage()
                .contains("model.merges[0]"));
    }

    @Test
    void unsupportedComponentsNameTheirType() throws IOException {
        assertTrue(failure("{" + MODEL + ", \"normalizer\": {\"type\": \"BertNormalizer\"}}").getMessage()
                .contains("unsupported normalizer type \"BertNormalizer\""));
        assertTrue(failure("{" + MODEL + ", \"pre_tokenizer\": {\"type\": \"Metaspace\"}}").getMessage()
                .contains("unsupported pre_tokenizer type \"Metaspace\""));
        assertTrue(failure("{" + MODEL + ", \"decoder\": {\"type\": \"WordPiece\"}}").getMessage()
                .contains("unsupported decoder type \"WordPiece\""));
        assertTrue(failure("{" + MODEL + ", \"post_processor\": {\"type\": \"BertProcessing\"}}").getMessage()
                .contains("unsupported post_processor type \"BertProcessing\""));
        assertTrue(failure("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}").getMessage()
                .contains("unsupported model type \"WordPiece\""));
    }

    @Test
    void smallCharacterLevelTokenizerWithConfig() throws IOException {
        Path file = write("{" + MODEL.replace("\"ab\": 2}", "\"ab\": 2, \"<s>\": 3, \"<unk>\": 4}").replace("\"type\": \"BPE\",",
                "\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"fuse_unk\": true,")
                + ", \"added_tokens\": [{\"id\": 3, \"content\": \"<s>\", \"special\": true, \"lstrip\": false, \"rstrip\": true,"
                + " \"normalized\": false, \"single_word\": false}], \"normalizer\": {\"type\": \"Lowercase\"}}");
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": true, \"bos_token\": {\"content\": \"<s>\"}, \"chat_template\": [{\"name\": \"default\", \"template\": \"T\"}]}");
        HuggingFaceTokenizer t = HuggingFaceTokenizer.load(file);
        assertArrayEquals(new int[] {3, 2, 4, 1}, t.encode("ABxyB", true, false), "lowercased, merged, unknowns fused");
        assertArrayEquals(new int[] {2, 3, 0}, t.encode("ab<s>  a", false, true), "rstrip swallows the spaces after <s>");
        assertTrue(t.vocabulary().is(3, TokenAttr.CONTROL | TokenAttr.RSTRIP));
        assertEquals("T", t.chatTemplate().orElseThrow());
    }

    @Test
    void splitBehavioursAreHuggingFaces() {
        String text = "the-final--countdown";
        assertEquals(List.of("the", "-", "final", "-", "-", "countdown"), split(text, PatternSplitter.Behavior.ISOLATED, false));
        assertEquals(List.of("the", "final", "countdown"), split(text, PatternSplitter.Behavior.REMOVED, false));
        assertEquals(List.of("the-", "final-", "-", "countdown"), split(text, PatternSplitter.Behavior.MERGED_WITH_PREVIOUS, false));
        assertEquals(List.of("the", "-final", "-", "-countdown"), split(text, PatternSplitter.Behavior.MERGED_WITH_NEXT, false));
        assertEquals(List.of("the", "-", "final", "--", "countdown"), split(text, PatternSplitter.Behavior.CONTIGUOUS, false));
        assertEquals(List.of("-", "-", "-"), split(text, PatternSplitter.Behavior.REMOVED, true));
    }

    private static List<String> split(String text, PatternSplitter.Behavior behavior, boolean invert) {
        IntList whole = new IntList();
        whole.add(0);
        whole.add(text.length());
        IntList spans = PatternSplitter.split(text, whole, Pattern.compile("-"), behavior, invert);
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < spans.size(); i += 2) {
            out.add(text.substring(spans.get(i), spans.get(i + 1)));
        }
        return out;
    }
}
