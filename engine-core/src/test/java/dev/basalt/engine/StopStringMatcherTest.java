package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    @Test
    void textThatMightStartAStopStringIsHeldBack() {
        StopStringMatcher m = new StopStringMatcher(List.of("</answer>"));
        assertEquals("The sum is 4", m.feed("The sum is 4"));
        assertEquals("", m.feed("</ans"));
        assertEquals("", m.feed("wer>"));
        assertTrue(m.matched());
    }

    @Test
    void aFalseStartIsReleased() {
        StopStringMatcher m = new StopStringMatcher(List.of("STOP"));
        assertEquals("a ", m.feed("a ST"));
        assertEquals("STAY", m.feed("AY"));
        assertFalse(m.matched());
        assertEquals("S", m.finish("S"));
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        StopStringMatcher m = new StopStringMatcher(List.of("world", "lo w"));
        assertEquals("hel", m.feed("hello world"));
        assertTrue(m.matched());
    }

    @Test
    void noStopStringsPassEverythingThrough() {
        StopStringMatcher m = new StopStringMatcher(List.of());
        assertEquals("anything", m.feed("anything"));
        assertEquals("", m.finish(""));
    }
}
