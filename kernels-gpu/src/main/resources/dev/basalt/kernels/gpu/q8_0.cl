// Q8_0: 34-byte blocks of 32 values: the scale d (F16), then 32 signed bytes q; value i = q[i] * d.
inline float q8_0_unit_dot(global const uchar* b, int unit, global const float* x) {
    float d = half_to_float(load_u16(b));
    global const char* q = (global const char*) (b + 2);
    float s = 0.0f;
    for (int i = 0; i < 32; i++) {
        s += (float) q[i] * x[i];
    }
    return s * d;
}

inline void q8_0_unit_decode(global const uchar* b, int unit, global float* y) {
    float d = half_to_float(load_u16(b));
    global const char* q = (global const char*) (b + 2);
    for (int i = 0; i < 32; i++) {
        y[i] = (float) q[i] * d;
    }
}

DEFINE_WEIGHT_KERNELS(q8_0, 32, 34, 1)
