// The two kernels of every weight format, generated from the format's two functions over one "unit" of a block
// (a block, or for K-quants one 32-value sub-block, so that a 256-value block is shared by 8 work items):
//   float FMT_unit_dot(global const uchar* block, int unit, global const float* x)  x: the block's first value
//   void FMT_unit_decode(global const uchar* block, int unit, global float* y)      y: the block's first value
// Rows are whole blocks (cols a multiple of BLOCK_VALUES), as in GGUF.

#define DEFINE_WEIGHT_KERNELS(FMT, BLOCK_VALUES, BLOCK_BYTES, UNITS)                                          \
/* y[t][r] = W[r] . x[t]: work group r of token t (dimension 1) sums the row's units, WG_SIZE at a time. */      \
kernel void matmul_##FMT(global const uchar* w, global const float* x, global float* y, int cols, int rows) {  \
    local float scratch[WG_SIZE];                                                                               \
    int r = get_group_id(0);                                                                                    \
    int t = get_global_id(1);                                                                                   \
    int blocks = cols / BLOCK_VALUES;                                                                           \
    global const uchar* row = w + (size_t) r * blocks * BLOCK_BYTES;                                           \
    global const float* xt = x + (size_t) t * cols;                                                            \
    float acc = 0.0f;                                                                                           \
    for (int u = get_local_id(0); u < blocks * UNITS; u += WG_SIZE) {                                           \
        int b = u / UNITS;                                                                                      \
        acc += FMT##_unit_dot(row + (size_t) b * BLOCK_BYTES, u % UNITS, xt + (size_t) b * BLOCK_VALUES);       \
    }                                                                                                           \
    float sum = group_sum(acc, scratch);                                                                        \
    if (get_local_id(0) == 0) {                                                                                 \
        y[(size_t) t * rows + r] = sum;                                                                         \
    }                                                                                                           \
}                                                                                                               \
/* out[t] = row ids[t] of W, dequantized: item (u, t) decodes unit u of the row. */                             \
kernel void get_rows_##FMT(global const uchar* w, global const int* ids, global float* out, int cols) {        \
    int u = get_global_id(0);                                                                                   \
    int t = get_global_id(1);                                                                                   \
    int blocks = cols / BLOCK_VALUES;                                                                           \
    int b = u / UNITS;                                                                                          \
    global const uchar* row = w + (size_t) ids[t] * blocks * BLOCK_BYTES;                                      \
    FMT##_unit_decode(row + (size_t) b * BLOCK_BYTES, u % UNITS, out + (size_t) t * cols + (size_t) b * BLOCK_VALUES); \
}
