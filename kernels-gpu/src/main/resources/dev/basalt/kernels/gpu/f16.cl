// F16 weights: one IEEE half per unit, read as its bits.
inline float f16_unit_dot(global const uchar* b, int unit, global const float* x) {
    return half_to_float(load_u16(b)) * x[0];
}

inline void f16_unit_decode(global const uchar* b, int unit, global float* y) {
    y[0] = half_to_float(load_u16(b));
}

DEFINE_WEIGHT_KERNELS(f16, 1, 2, 1)
