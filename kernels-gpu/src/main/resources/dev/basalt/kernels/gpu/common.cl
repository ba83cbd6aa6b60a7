// Helpers every kernel uses. Built for OpenCL C 1.2 with -DWG_SIZE=<work-group size, a power of two>; no
// extension is required (no cl_khr_fp16, no subgroups).

// No fused multiply-add: products and sums are rounded one by one, as the CPU backend rounds them.
#pragma OPENCL FP_CONTRACT OFF

// F16 values (weights, block scales) are stored as 16-bit patterns and converted here, so devices without
// cl_khr_fp16 (PoCL, some embedded GPUs) run the same kernels.
inline float half_to_float(ushort h) {
    uint sign = (uint)(h & 0x8000) << 16;
    uint exponent = (h >> 10) & 0x1F;
    uint mantissa = h & 0x3FF;
    if (exponent == 0x1F) {                  // infinity or NaN
        return as_float(sign | 0x7F800000u | (mantissa << 13));
    }
    if (exponent == 0) {                     // zero or subnormal: mantissa * 2^-24
        float m = (float) mantissa * 5.9604644775390625e-8f;
        return sign != 0 ? -m : m;
    }
    return as_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

// A little-endian 16-bit value at any byte address (ggml's blocks are packed; byte loads never misalign).
inline ushort load_u16(global const uchar* p) {
    return (ushort) (p[0] | (p[1] << 8));
}

// The sum of one value per work item over the work group; every item gets it. Callers pass a local array of
// WG_SIZE floats (OpenCL 1.2 declares local memory in kernels only).
inline float group_sum(float v, local float* scratch) {
    int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = WG_SIZE / 2; s > 0; s >>= 1) {
        if (lid < s) {
            scratch[lid] += scratch[lid + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE); // the scratch may be reused right after
    return r;
}

inline float group_max(float v, local float* scratch) {
    int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = WG_SIZE / 2; s > 0; s >>= 1) {
        if (lid < s) {
            scratch[lid] = fmax(scratch[lid], scratch[lid + s]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}
