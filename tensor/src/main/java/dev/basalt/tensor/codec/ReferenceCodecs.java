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
            // -- legacy block formats
            // -- K-quants
            // -- IQ and ternary formats
            case IQ2_XXS -> new Iq2XxsCodec();
            case IQ2_XS -> new Iq2XsCodec();
            case IQ2_S -> new Iq2SCodec();
            case IQ3_XXS -> new Iq3XxsCodec();
            case IQ3_S -> new Iq3SCodec();
            case IQ1_S -> new Iq1SCodec();
            case IQ1_M -> new Iq1MCodec();
            default -> throw new UnsupportedOperationException("no float codec for element type " + type);
        };
    }
}
