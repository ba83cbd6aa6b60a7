// Attention of one query head of one token per work group (group index = token * heads + head), over the key rows
// first_row[t]..last_row[t] (causal over a KV cache: 0 or the window's start .. the token's position; packed
// sequences: the token's own sequence). Query head h reads KV head h / group. The scores live
// in a global scratch row of the group (scores + group index * scores_stride): the softmax needs all of them
// before the weighted sum of values. Operation order as the CPU backend: q.k * scale, then (with a soft cap)
// cap * tanh(s * inv_cap), max subtracted, exp, each probability e * (1/sum) times the value, summed by position.
kernel void attention(global const float* q, global const float* keys, global const float* values, global float* out,
        global float* scores, global const int* first_row, global const int* last_row, int heads, int group,
        int head_dim, int kv_dim, int scores_stride, float scale, float softcap, float inv_softcap) {
    local float scratch[WG_SIZE];
    int th = get_group_id(0);
    int lid = get_local_id(0);
    int t = th / heads;
    int h = th % heads;
    int pos = last_row[t];
    int first = first_row[t];
    size_t q_off = (size_t) th * head_dim; // token-major: (t * heads + h) * head_dim
    size_t kv_off = (size_t) (h / group) * head_dim;
    global const float* qh = q + q_off;
    global float* s = scores + (size_t) th * scores_stride;

    float max_score = -INFINITY;
    for (int j = first + lid; j <= pos; j += WG_SIZE) {
        global const float* k = keys + (size_t) j * kv_dim + kv_off;
        float dot = 0.0f;
        for (int d = 0; d < head_dim; d++) {
            dot += qh[d] * k[d];
        }
        float v = dot * scale;
        if (softcap > 0.0f) {
            v = softcap * tanh(v * inv_softcap);
        }
        s[j] = v;
        max_score = fmax(max_score, v);
    }
    max_score = group_max(max_score, scratch);
    float sum = 0.0f;
    for (int j = first + lid; j <= pos; j += WG_SIZE) {
        float e = exp(s[j] - max_score);
        s[j] = e;
        sum += e;
    }
    float inv = 1.0f / group_sum(sum, scratch);
    barrier(CLK_GLOBAL_MEM_FENCE); // every item reads the exponentials the others wrote
    global float* o = out + q_off;
    for (int d = lid; d < head_dim; d += WG_SIZE) {
        float acc = 0.0f;
        for (int j = first; j <= pos; j++) {
            acc += (s[j] * inv) * values[(size_t) j * kv_dim + kv_off + d];
        }
        o[d] = acc;
    }
}
