package dev.basalt.tensor.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The small-float and rounding helpers the legacy/FP4 codecs are built on. */
class ScalarFormatsTest {

    @Test
    void roundHalfAwayIsCsRoundf() {
        assertEquals(3, GgmlRound.roundHalfAway(2.5f));
        assertEquals(-3, GgmlRound.roundHalfAway(-2.5f));
        assertEquals(1, GgmlRound.roundHalfAway(0.5f));
        assertEquals(-1, GgmlRound.roundHalfAway(-0.5f));
        // 0.49999997f + 0.5f would round to 1.0f in float32
        assertEquals(0, GgmlRound.roundHalfAway(0.49999997f));
        assertEquals(0, GgmlRound.roundHalfAway(-0.49999997f));
        assertEquals(0, GgmlRound.roundHalfAway(-0.0f));
        assertEquals(127, GgmlRound.roundHalfAway(126.5f));
        assertEquals(8388609, GgmlRound.roundHalfAway(8388609f));
    }

    @Test
    void nearestEvenRoundsTiesToEven() {
        assertEquals(2, GgmlRound.nearestEven(2.5f));
        assertEquals(4, GgmlRound.nearestEven(3.5f));
        assertEquals(-2, GgmlRound.nearestEven(-2.5f));
        assertEquals(0, GgmlRound.nearestEven(0.5f));
        assertEquals(0, GgmlRound.nearestEven(-0.5f));
        assertEquals(-127, GgmlRound.nearestEven(-127.0f));
        assertEquals(1, GgmlRound.nearestEven(0.50000006f));
        for (int i = -1000; i <= 1000; i++) {
            assertEquals(i, GgmlRound.nearestEven(i + 0.25f));
            assertEquals((int) Math.rint(i + 0.5), GgmlRound.nearestEven(i + 0.5f));
        }
    }

    @Test
    void e8m0HalfIsTwoToTheCodeMinus128() {
        for (int e = 0; e < 255; e++) {
            assertEquals(Math.scalb(1.0f, e - 128), E8M0.toFloatHalf(e), "code " + e);
        }
    }

    @Test
    void e8m0ExponentFollowsLog2fRoundingJustBelowPowersOfTwo() {
        assertEquals(0, E8M0.exponentForMax(0.0f));
        assertEquals(127 - 2, E8M0.exponentForMax(1.0f));
        assertEquals(127 - 2 - 1, E8M0.exponentForMax(0.99999994f)); // log2f = -8.6e-8: floor -1
        assertEquals(127 - 2 + 9, E8M0.exponentForMax(1023.0f));
        // log2f(1023.99994f) rounds to 10.0f (checked against glibc), so ggml takes exponent 10, not 9
        assertEquals(127 - 2 + 10, E8M0.exponentForMax(1023.99994f));
        assertEquals(127 - 2 - 1, E8M0.exponentForMax(0.5f));
    }

    @Test
    void ue4m3DecodesItsCodesAndEncodesThemBack() {
        assertEquals(0.0f, UE4M3.toFloatHalf(0));
        assertEquals(0.0f, UE4M3.toFloatHalf(0x7F));
        assertEquals(224.0f, UE4M3.toFloatHalf(0x7E)); // 448 / 2
        assertEquals(0.5f, UE4M3.toFloatHalf(0x38)); // exponent 7, mantissa 0: 1.0 / 2
        assertEquals(Math.scalb(1.0f, -10), UE4M3.toFloatHalf(1)); // smallest subnormal 2^-9, halved
        for (int code = 1; code < 0x78; code++) {
            float v = 2 * UE4M3.toFloatHalf(code);
            assertEquals(code, UE4M3.fromFloat(v), "code " + code + " value " + v);
        }
        // ggml's encoder saturates every value of the top binade (256..448) to 0x7E = 448
        for (int code = 0x78; code < 0x7F; code++) {
            assertEquals(0x7E, UE4M3.fromFloat(2 * UE4M3.toFloatHalf(code)), "code " + code);
        }
        assertEquals(0, UE4M3.fromFloat(-1.0f));
        assertEquals(0, UE4M3.fromFloat(Float.NaN));
        assertEquals(0x7E, UE4M3.fromFloat(1e9f));
        assertEquals(0x7E, UE4M3.fromFloat(Float.POSITIVE_INFINITY));
        // halfway between 1.0 (0x38) and 1.125 (0x39) rounds up on the guard bit
        assertEquals(0x39, UE4M3.fromFloat(1.0625f));
        assertEquals(0x38, UE4M3.fromFloat(1.0624999f));
    }

    @Test
    void e2m1NearestIndexPrefersTheLowerIndexOnTies() {
        assertEquals(0, E2M1.nearestIndex(-0.0f, 1.0f));
        assertEquals(0, E2M1.nearestIndex(0.5f, 1.0f)); // between 0 and 1
        assertEquals(9, E2M1.nearestIndex(-0.75f, 1.0f));
        assertEquals(0, E2M1.nearestIndex(-0.5f, 1.0f)); // between 0 (index 0) and -1 (index 9)
        assertEquals(6, E2M1.nearestIndex(10.0f, 1.0f)); // between 8 and 12
        assertEquals(15, E2M1.nearestIndex(-100.0f, 1.0f));
        assertEquals(0, E2M1.nearestIndex(5.0f, 0.0f)); // d = 0: all candidates tie
    }
}
