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
            case Q2_K -> new Q2KCodec();
            case Q3_K -> new Q3KCodec();
            case Q4_K -> new Q4KCodec();
            case Q5_K -> new Q5KCodec();
            case Q6_K -> new Q6KCodec();
            // -- IQ and ternary formats
            case IQ4_NL -> new IQ4NLCodec();
            case IQ4_XS -> new IQ4XSCodec();
            default -> throw new UnsupportedOperationException("no float codec for element type " + type);
        };
    }
}
