// Q4_0: 18-byte blocks of 32 values: the scale d (F16), then 16 bytes whose low nibbles are values 0..15 and
// high nibbles values 16..31; value = (nibble - 8) * d.
inline float q4_0_unit_dot(global const uchar* b, int unit, global const float* x) {
    float d = half_to_float(load_u16(b));
    global const uchar* q = b + 2;
    float s = 0.0f;
    for (int i = 0; i < 16; i++) {
        s += (float) ((q[i] & 0xF) - 8) * x[i] + (float) ((q[i] >> 4) - 8) * x[i + 16];
    }
    return s * d;
}

inline void q4_0_unit_decode(global const uchar* b, int unit, global float* y) {
    float d = half_to_float(load_u16(b));
    global const uchar* q = b + 2;
    for (int i = 0; i < 16; i++) {
        y[i] = (float) ((q[i] & 0xF) - 8) * d;
        y[i + 16] = (float) ((q[i] >> 4) - 8) * d;
    }
}

DEFINE_WEIGHT_KERNELS(q4_0, 32, 18, 1)
