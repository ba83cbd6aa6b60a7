// F32 weights: one float per unit.
inline float f32_unit_dot(global const uchar* b, int unit, global const float* x) {
    return *(global const float*) b * x[0];
}

inline void f32_unit_decode(global const uchar* b, int unit, global float* y) {
    y[0] = *(global const float*) b;
}

DEFINE_WEIGHT_KERNELS(f32, 1, 4, 1)
