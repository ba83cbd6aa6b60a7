// Rotary position embedding in place, item (token * heads + head, pair i). The angle is built as the CPU backend
// (and ggml) builds it: theta = position, multiplied by theta_scale = base^(-2/dims) once per pair, in float32;
// then divided by the pair's frequency factor and multiplied by the position scale. Pairs are (2i, 2i+1), or
// (i, i + dims/2) for NeoX; values past dims stay as they are.
kernel void rope(global float* x, global const int* positions, global const float* freq_factors, int has_factors,
        int heads, int head_dim, int dims, float theta_scale, float position_scale, float magnitude, int neox) {
    int th = get_global_id(0);
    int i = get_global_id(1);
    float theta = (float) positions[th / heads];
    for (int k = 0; k < i; k++) {
        theta *= theta_scale;
    }
    float factor = has_factors ? freq_factors[i] : 1.0f;
    float angle = position_scale * (theta / factor);
    float c = cos(angle) * magnitude;
    float s = sin(angle) * magnitude;
    size_t base = (size_t) th * head_dim;
    size_t a = base + (neox ? i : 2 * i);
    size_t b = base + (neox ? i + dims / 2 : 2 * i + 1);
    float x0 = x[a];
    float x1 = x[b];
    x[a] = x0 * c - x1 * s;
    x[b] = x0 * s + x1 * c;
}
