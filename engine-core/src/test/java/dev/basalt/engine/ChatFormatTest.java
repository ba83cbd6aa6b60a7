package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.TestData;
import dev.basalt.tokenizer.HuggingFaceTokenizer;
import dev.basalt.tokenizer.template.ChatMessage;
import dev.basalt.tokenizer.template.ChatTemplate;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real models' templates and tokenizers (../shared/testdata/tokenizers): each turn's closing token is found. */
@Tag("testdata")
class ChatFormatTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"llama3, <|eot_id|>, <|begin_of_text|>", "qwen3, <|im_end|>, <|im_start|>", "gemma3, <end_of_turn>, <bos>"})
    void endOfTurnIsTheTemplatesClosingToken(String family, String endOfTurn, String firstToken) throws IOException {
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.load(TestData.path("tokenizers", family, "tokenizer.json"));
        ChatFormat format = new ChatFormat(tokenizer, ChatTemplate.compile(tokenizer.chatTemplate().orElseThrow(), family));
        int id = tokenizer.vocabulary().id(endOfTurn);
        assertTrue(id >= 0, endOfTurn);
        assertEquals(Set.of(id), format.endOfTurnTokens());
        assertTrue(format.endOfTurnStrings().isEmpty());

        int[] ids = format.promptTokens(List.of(ChatMessage.user("Hello")));
        assertEquals(firstToken, tokenizer.vocabulary().token(ids[0]));
        assertTrue(ids.length < 2 || ids[1] != ids[0], "one BOS only");
        assertEquals(format.render(List.of(ChatMessage.user("Hello")), true), tokenizer.decode(ids, true));
    }
}
