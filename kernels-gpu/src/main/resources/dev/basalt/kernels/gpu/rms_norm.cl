// out[row] = x[row] / sqrt(mean(x[row]^2) + eps) * w: one work group per row of dim values. out may be x: each
// item rewrites only values it read, after the whole group has summed.
kernel void rms_norm(global const float* x, global const float* w, global float* out, int dim, float eps) {
    local float scratch[WG_SIZE];
    size_t base = (size_t) get_group_id(0) * dim;
    float squares = 0.0f;
    for (int i = get_local_id(0); i < dim; i += WG_SIZE) {
        float v = x[base + i];
        squares += v * v;
    }
    float mean = group_sum(squares, scratch) / (float) dim;
    float scale = 1.0f / sqrt(mean + eps);
    for (int i = get_local_id(0); i < dim; i += WG_SIZE) {
        out[base + i] = (x[base + i] * scale) * w[i];
    }
}

// out[row] = (x[row] - mean) / sqrt(var + eps) * w + b (biased variance): LayerNorm, as the CPU backend computes
// it (mean first, then the mean of squared deviations). out may be x, as for rms_norm.
kernel void layer_norm(global const float* x, global const float* w, global const float* b, global float* out,
        int dim, float eps) {
    local float scratch[WG_SIZE];
    size_t base = (size_t) get_group_id(0) * dim;
    float sum = 0.0f;
    for (int i = get_local_id(0); i < dim; i += WG_SIZE) {
        sum += x[base + i];
    }
    float mean = group_sum(sum, scratch) / (float) dim;
    float squares = 0.0f;
    for (int i = get_local_id(0); i < dim; i += WG_SIZE) {
        float d = x[base + i] - mean;
        squares += d * d;
    }
    float variance = group_sum(squares, scratch) / (float) dim;
    float scale = 1.0f / sqrt(variance + eps);
    for (int i = get_local_id(0); i < dim; i += WG_SIZE) {
        out[base + i] = (x[base + i] - mean) * scale * w[i] + b[i];
    }
}
