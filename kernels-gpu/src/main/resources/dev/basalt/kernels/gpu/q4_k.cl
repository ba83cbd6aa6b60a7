// Q4_K: 144-byte super-blocks of 256 values: d and dmin (F16), 12 bytes packing 8 six-bit scales and 8 six-bit
// mins, then 128 bytes of nibbles. Sub-block j (32 values) uses scale j and min j; its nibbles are the low (j even)
// or high (j odd) halves of bytes 32*(j/2) .. +32; value = d*scale*nibble - dmin*min. One unit = one sub-block.

// Scale and min of sub-block j from the 12 packed bytes (ggml's get_scale_min_k4).
inline void q4_k_scale_min(int j, global const uchar* s, float* scale, float* min) {
    if (j < 4) {
        *scale = (float) (s[j] & 63);
        *min = (float) (s[j + 4] & 63);
    } else {
        *scale = (float) ((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
        *min = (float) ((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

inline float q4_k_unit_dot(global const uchar* b, int j, global const float* x) {
    float sc;
    float m;
    q4_k_scale_min(j, b + 4, &sc, &m);
    global const uchar* q = b + 16 + 32 * (j / 2);
    int shift = (j & 1) * 4;
    global const float* xs = x + 32 * j;
    float dot = 0.0f;
    float sum = 0.0f;
    for (int l = 0; l < 32; l++) {
        dot += (float) ((q[l] >> shift) & 0xF) * xs[l];
        sum += xs[l];
    }
    return half_to_float(load_u16(b)) * sc * dot - half_to_float(load_u16(b + 2)) * m * sum;
}

inline void q4_k_unit_decode(global const uchar* b, int j, global float* y) {
    float sc;
    float m;
    q4_k_scale_min(j, b + 4, &sc, &m);
    float d = half_to_float(load_u16(b)) * sc;
    float dm = half_to_float(load_u16(b + 2)) * m;
    global const uchar* q = b + 16 + 32 * (j / 2);
    int shift = (j & 1) * 4;
    for (int l = 0; l < 32; l++) {
        y[32 * j + l] = d * (float) ((q[l] >> shift) & 0xF) - dm;
    }
}

DEFINE_WEIGHT_KERNELS(q4_k, 256, 144, 8)
