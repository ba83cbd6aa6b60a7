// One item per value.

// gate = silu(gate) * up (SwiGLU)
kernel void swiglu(global float* gate, global const float* up) {
    size_t i = get_global_id(0);
    float x = gate[i];
    gate[i] = x / (1.0f + exp(-x)) * up[i];
}

// gate = gelu(gate) * up (GeGLU), GELU in its tanh approximation as ggml writes it
kernel void geglu(global float* gate, global const float* up) {
    size_t i = get_global_id(0);
    float x = gate[i];
    float gelu = 0.5f * x * (1.0f + tanh(0.79788456080286535587989211986876f * x * (1.0f + 0.044715f * x * x)));
    gate[i] = gelu * up[i];
}

// GELU in its tanh approximation, the same as geglu's (BERT's ungated feed-forward).
kernel void gelu(global float* x) {
    size_t i = get_global_id(0);
    float v = x[i];
    x[i] = 0.5f * v * (1.0f + tanh(0.79788456080286535587989211986876f * v * (1.0f + 0.044715f * v * v)));
}

kernel void tanh_in_place(global float* x) {
    size_t i = get_global_id(0);
    x[i] = tanh(x[i]);
}

kernel void add(global float* x, global const float* y) {
    size_t i = get_global_id(0);
    x[i] += y[i];
}

// x[t][i] += bias[i] over rows of dim values
kernel void add_bias(global float* x, global const float* bias, int dim) {
    size_t i = get_global_id(0);
    x[i] += bias[i % dim];
}

kernel void scale(global float* x, float factor) {
    size_t i = get_global_id(0);
    x[i] *= factor;
}

// x = cap * tanh(x * (1/cap)), in ggml's order
kernel void softcap(global float* x, float cap, float inv_cap) {
    size_t i = get_global_id(0);
    x[i] = cap * tanh(x[i] * inv_cap);
}
