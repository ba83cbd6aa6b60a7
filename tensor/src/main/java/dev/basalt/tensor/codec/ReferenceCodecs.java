package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;

/** The reference codec of each format. */
public final class ReferenceCodecs {
    private ReferenceCodecs() {
    }

    private static final BlockCodec[] CACHE = new BlockCodec[GgmlType.values().length];

    /**
     * The codec of {@code type}; codecs are stateless and shared.
     *
     * @throws UnsupportedOperationException for the plain integer element types, which have no float codec
     */
    public static BlockCodec of(GgmlType type) {
        BlockCodec codec = CACHE[type.ordinal()];
        if (codec == null) {
            codec = create(type);
            CACHE[type.ordinal()] = codec; // a benign race: codecs are stateless
        }
        return codec;
    }

    private static BlockCodec create(GgmlType type) {
        return switch (type) {
            // -- plain float formats
            case F32 -> new F32Codec();
            case F16 -> new F16Codec();
            case BF16 -> new BF16Codec();
            // -- legacy block formats (32 elements, one scale)
            case Q4_0 -> new Q4_0Codec();
            case Q4_1 -> new Q4_1Codec();
            case Q5_0 -> new Q5_0Codec();
            case Q5_1 -> new Q5_1Codec();
            case Q8_0 -> new Q8_0Codec();
            case Q8_1 -> new Q8_1Codec();
            case Q1_0 -> new Q1_0Codec();
            case Q2_0 -> new Q2_0Codec();
            // -- micro-scaled 4-bit floats
            case MXFP4 -> new MXFP4Codec();
            case NVFP4 -> new NVFP4Codec();
            // -- K-quants (256-element super-blocks)
            case Q2_K -> new Q2_KCodec();
            case Q3_K -> new Q3_KCodec();
            case Q4_K -> new Q4_KCodec();
            case Q5_K -> new Q5_KCodec();
            case Q6_K -> new Q6_KCodec();
            case Q8_K -> new Q8_KCodec();
            // -- ternary
            case TQ1_0 -> new TQ1_0Codec();
            case TQ2_0 -> new TQ2_0Codec();
            // -- non-linear and lattice (IQ) formats
            case IQ4_NL -> new IQ4_NLCodec();
            case IQ4_XS -> new IQ4_XSCodec();
            case IQ2_XXS -> new IQ2_XXSCodec();
            case IQ2_XS -> new IQ2_XSCodec();
            case IQ2_S -> new IQ2_SCodec();
            case IQ3_XXS -> new IQ3_XXSCodec();
            case IQ3_S -> new IQ3_SCodec();
            case IQ1_S -> new IQ1_SCodec();
            case IQ1_M -> new IQ1_MCodec();
            default -> throw new UnsupportedOperationException("no float codec for element type " + type);
        };
    }
}
