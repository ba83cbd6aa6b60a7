package dev.basalt.tensor.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The IQ grid tables: properties ggml's formats require of them (not derived from our decoders), a few entries
 * copied by hand from ggml-common.h to pin the byte order, and the loader's refusal of a damaged resource.
 */
class IqGridsTest {
    private static final IqGrids G = IqGrids.get();

    @Test
    void tablesHaveGgmlsSizes() {
        assertEquals(8, G.kmaskIq2xs.length);
        assertEquals(128, G.ksignsIq2xs.length);
        assertEquals(256 * 8, G.iq2xxsGrid.length);
        assertEquals(512 * 8, G.iq2xsGrid.length);
        assertEquals(1024 * 8, G.iq2sGrid.length);
        assertEquals(256 * 4, G.iq3xxsGrid.length);
        assertEquals(512 * 4, G.iq3sGrid.length);
        assertEquals(2048 * 8, G.iq1sGrid.length);
    }

    @Test
    void iq2GridsHoldOnlyTheMagnitudes8_25_43() {
        for (byte[] grid : new byte[][] {G.iq2xxsGrid, G.iq2xsGrid, G.iq2sGrid}) {
            for (int i = 0; i < grid.length; i++) {
                int v = grid[i] & 0xFF;
                assertTrue(v == 0x08 || v == 0x19 || v == 0x2b, "byte " + i + " is 0x" + Integer.toHexString(v));
            }
        }
    }

    @Test
    void iq3xxsGridHoldsOnlyItsEightMagnitudes() {
        Set<Integer> allowed = Set.of(4, 12, 20, 28, 36, 44, 52, 62);
        for (int i = 0; i < G.iq3xxsGrid.length; i++) {
            assertTrue(allowed.contains(G.iq3xxsGrid[i] & 0xFF), "byte " + i);
        }
    }

    @Test
    void iq3sGridHoldsOnlyOddMagnitudesUpTo15() {
        for (int i = 0; i < G.iq3sGrid.length; i++) {
            int v = G.iq3sGrid[i] & 0xFF;
            assertTrue(v % 2 == 1 && v <= 15, "byte " + i + " is " + v);
        }
    }

    @Test
    void iq1sGridIsTernary() {
        for (int i = 0; i < G.iq1sGrid.length; i++) {
            int v = G.iq1sGrid[i];
            assertTrue(v >= -1 && v <= 1, "byte " + i + " is " + v);
        }
    }

    @Test
    void gridEntriesAreDistinct() {
        assertDistinct("iq2xxs", G.iq2xxsGrid, 8);
        assertDistinct("iq2xs", G.iq2xsGrid, 8);
        assertDistinct("iq2s", G.iq2sGrid, 8);
        assertDistinct("iq3xxs", G.iq3xxsGrid, 4);
        assertDistinct("iq3s", G.iq3sGrid, 4);
        assertDistinct("iq1s", G.iq1sGrid, 8);
    }

    /** ggml lists the magnitude grids in ascending order of their uint64/uint32 entries. */
    @Test
    void magnitudeGridsAreSortedAsGgmlListsThem() {
        for (byte[] grid : new byte[][] {G.iq2xxsGrid, G.iq2xsGrid, G.iq2sGrid}) {
            for (int k = 1; k < grid.length / 8; k++) {
                assertTrue(Long.compareUnsigned(entry(grid, 8, k - 1), entry(grid, 8, k)) < 0, "entry " + k);
            }
        }
        for (byte[] grid : new byte[][] {G.iq3xxsGrid, G.iq3sGrid}) {
            for (int k = 1; k < grid.length / 4; k++) {
                assertTrue(Long.compareUnsigned(entry(grid, 4, k - 1), entry(grid, 4, k)) < 0, "entry " + k);
            }
        }
    }

    /** A 7-bit sign index names 7 signs; the 8th is implied by an even number of minus signs. */
    @Test
    void signTableEntriesHaveEvenParityAndKeepTheirIndex() {
        for (int i = 0; i < 128; i++) {
            int s = G.ksignsIq2xs[i] & 0xFF;
            assertEquals(i, s & 127, "entry " + i);
            assertEquals(0, Integer.bitCount(s) % 2, "entry " + i + " = " + s);
        }
        for (int j = 0; j < 8; j++) {
            assertEquals(1 << j, G.kmaskIq2xs[j] & 0xFF);
        }
    }

    /** Entries copied by hand from ggml-common.h: they pin the least-significant-byte-first flattening. */
    @Test
    void spotEntriesMatchGgmlCommonH() {
        assertEquals(0x080808080808082bL, entry(G.iq2xxsGrid, 8, 1));
        assertEquals(0x2b2b2b1908081908L, entry(G.iq2xxsGrid, 8, 255));
        assertEquals(0x190808080808192bL, entry(G.iq2xsGrid, 8, 256));
        assertEquals(0x19080819082b1919L, entry(G.iq2sGrid, 8, 512));
        assertEquals(0x3e341c04L, entry(G.iq3xxsGrid, 4, 255));
        assertEquals(0x05090507L, entry(G.iq3sGrid, 4, 256));
        assertEquals(0x0000000000ff0100L, entry(G.iq1sGrid, 8, 1024));
        assertEquals(0xffffffffffffff01L, entry(G.iq1sGrid, 8, 1));
        assertEquals(0x2b, G.iq2xxsGrid[8] & 0xFF, "first byte of iq2xxs_grid[1] is its lowest");
        assertEquals(0x81, G.ksignsIq2xs[1] & 0xFF);
    }

    @Test
    void resourceNamesItsSourceAndLicence() throws IOException {
        String text = resourceText();
        assertTrue(text.contains("ggml/src/ggml-common.h"));
        assertTrue(text.contains("node-llama-cpp 3.21.1 bundle"));
        assertTrue(text.contains("The ggml authors"));
        assertTrue(text.contains("MIT License"));
        assertTrue(text.contains("scripts/extract-iq-grids.py"));
    }

    @Test
    void resourceParsesToTheSameTables() throws IOException {
        IqGrids again = IqGrids.parse("test", new StringReader(resourceText()));
        assertEquals(java.util.Arrays.toString(G.iq1sGrid), java.util.Arrays.toString(again.iq1sGrid));
    }

    @Test
    void aChangedValueFailsTheChecksum() throws IOException {
        String text = resourceText();
        int at = text.indexOf("\n", text.indexOf("[iq3s_grid")) + 1; // first value of iq3s_grid: 01010101
        String damaged = text.substring(0, at) + "01010103" + text.substring(at + 8);
        assertDamaged(damaged, "iq3s_grid", "CRC-32");
    }

    @Test
    void aMissingValueIsReported() throws IOException {
        String text = resourceText();
        int at = text.indexOf("\n", text.indexOf("[iq2xs_grid")) + 1;
        String damaged = text.substring(0, at) + text.substring(text.indexOf("\n", at) + 1); // drop a line
        assertDamaged(damaged, "iq2xs_grid", "508 values, expected 512");
    }

    @Test
    void aRenamedSectionIsReported() throws IOException {
        assertDamaged(resourceText().replace("[iq2s_grid ", "[iq2z_grid "), "iq2z_grid", "unknown section");
    }

    @Test
    void aMissingSectionIsReported() throws IOException {
        String text = resourceText();
        assertDamaged(text.substring(0, text.indexOf("[iq1s_grid")), "iq1s_grid", "missing");
    }

    @Test
    void aWrongDeclaredCountIsReported() throws IOException {
        assertDamaged(resourceText().replace("[ksigns_iq2xs u8 128 ", "[ksigns_iq2xs u8 127 "), "ksigns_iq2xs", "expected u8 x 128");
    }

    @Test
    void aMalformedValueIsReported() throws IOException {
        String text = resourceText();
        int at = text.indexOf("\n", text.indexOf("[kmask_iq2xs")) + 1;
        assertDamaged(text.substring(0, at) + "0x" + text.substring(at + 2), "line", "2-digit hex");
    }

    private static void assertDamaged(String text, String... fragments) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IqGrids.parse("test-resource", new StringReader(text)));
        assertTrue(e.getMessage().contains("test-resource is damaged"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), e.getMessage());
        }
    }

    private static String resourceText() throws IOException {
        try (InputStream in = IqGrids.class.getResourceAsStream(IqGrids.RESOURCE)) {
            assertNotNull(in, IqGrids.RESOURCE);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long entry(byte[] grid, int width, int k) {
        long v = 0;
        for (int b = width - 1; b >= 0; b--) {
            v = (v << 8) | (grid[width * k + b] & 0xFF);
        }
        return v;
    }

    private static void assertDistinct(String name, byte[] grid, int width) {
        Set<Long> seen = new HashSet<>();
        for (int k = 0; k < grid.length / width; k++) {
            assertTrue(seen.add(entry(grid, width, k)), name + " entry " + k + " repeats an earlier one");
        }
    }
}
