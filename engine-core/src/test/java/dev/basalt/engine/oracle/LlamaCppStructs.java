package dev.basalt.engine.oracle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The C structs of llama.cpp build b4916 that the oracle passes by value, laid out exactly as that build's
 * {@code include/llama.h} declares them for x86-64 Linux (System V ABI: 8-byte pointers, 4-byte enums, 1-byte
 * {@code bool}).
 *
 * <p>These layouts differ from today's llama.h: b4916 (March 2025) predates {@code tensor_buft_overrides},
 * {@code use_extra_bufts} and {@code no_host} in {@code llama_model_params}, and {@code op_offload},
 * {@code swa_full}, {@code kv_unified}, {@code flash_attn_type} and the removal of {@code logits_all} in
 * {@code llama_context_params}. They were checked against the bundled library itself: the disassembly of
 * {@code llama_model_default_params} and {@code llama_context_default_params} stores every default at the
 * offsets below and nothing past {@link #MODEL_PARAMS}' 64 and {@link #CONTEXT_PARAMS}' 120 bytes, and
 * {@code llama_batch_init} fills a 56-byte {@code llama_batch}. {@code LlamaCppAbiTest} re-checks the defaults
 * through these layouts at run time, so a different build would be caught.
 */
final class LlamaCppStructs {
    private LlamaCppStructs() {
    }

    /** {@code enum ggml_type} value of float32, for the K and V cache types. */
    static final int GGML_TYPE_F32 = 0;

    /** {@code struct llama_model_params}, 64 bytes. */
    static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("devices"),                    //  0 ggml_backend_dev_t *
            ValueLayout.JAVA_INT.withName("n_gpu_layers"),              //  8
            ValueLayout.JAVA_INT.withName("split_mode"),                // 12 enum llama_split_mode
            ValueLayout.JAVA_INT.withName("main_gpu"),                  // 16
            MemoryLayout.paddingLayout(4),                              // 20
            ValueLayout.ADDRESS.withName("tensor_split"),               // 24 const float *
            ValueLayout.ADDRESS.withName("progress_callback"),          // 32
            ValueLayout.ADDRESS.withName("progress_callback_user_data"), // 40
            ValueLayout.ADDRESS.withName("kv_overrides"),               // 48
            ValueLayout.JAVA_BOOLEAN.withName("vocab_only"),            // 56
            ValueLayout.JAVA_BOOLEAN.withName("use_mmap"),              // 57
            ValueLayout.JAVA_BOOLEAN.withName("use_mlock"),             // 58
            ValueLayout.JAVA_BOOLEAN.withName("check_tensors"),         // 59
            MemoryLayout.paddingLayout(4)                               // 60
    ).withName("llama_model_params");

    /** {@code struct llama_context_params}, 120 bytes. */
    static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("n_ctx"),                     //   0 uint32_t
            ValueLayout.JAVA_INT.withName("n_batch"),                   //   4 uint32_t
            ValueLayout.JAVA_INT.withName("n_ubatch"),                  //   8 uint32_t
            ValueLayout.JAVA_INT.withName("n_seq_max"),                 //  12 uint32_t
            ValueLayout.JAVA_INT.withName("n_threads"),                 //  16
            ValueLayout.JAVA_INT.withName("n_threads_batch"),           //  20
            ValueLayout.JAVA_INT.withName("rope_scaling_type"),         //  24 enum
            ValueLayout.JAVA_INT.withName("pooling_type"),              //  28 enum
            ValueLayout.JAVA_INT.withName("attention_type"),            //  32 enum
            ValueLayout.JAVA_FLOAT.withName("rope_freq_base"),          //  36
            ValueLayout.JAVA_FLOAT.withName("rope_freq_scale"),         //  40
            ValueLayout.JAVA_FLOAT.withName("yarn_ext_factor"),         //  44
            ValueLayout.JAVA_FLOAT.withName("yarn_attn_factor"),        //  48
            ValueLayout.JAVA_FLOAT.withName("yarn_beta_fast"),          //  52
            ValueLayout.JAVA_FLOAT.withName("yarn_beta_slow"),          //  56
            ValueLayout.JAVA_INT.withName("yarn_orig_ctx"),             //  60 uint32_t
            ValueLayout.JAVA_FLOAT.withName("defrag_thold"),            //  64
            MemoryLayout.paddingLayout(4),                              //  68
            ValueLayout.ADDRESS.withName("cb_eval"),                    //  72
            ValueLayout.ADDRESS.withName("cb_eval_user_data"),          //  80
            ValueLayout.JAVA_INT.withName("type_k"),                    //  88 enum ggml_type
            ValueLayout.JAVA_INT.withName("type_v"),                    //  92 enum ggml_type
            ValueLayout.JAVA_BOOLEAN.withName("logits_all"),            //  96
            ValueLayout.JAVA_BOOLEAN.withName("embeddings"),            //  97
            ValueLayout.JAVA_BOOLEAN.withName("offload_kqv"),           //  98
            ValueLayout.JAVA_BOOLEAN.withName("flash_attn"),            //  99
            ValueLayout.JAVA_BOOLEAN.withName("no_perf"),               // 100
            MemoryLayout.paddingLayout(3),                              // 101
            ValueLayout.ADDRESS.withName("abort_callback"),             // 104
            ValueLayout.ADDRESS.withName("abort_callback_data")         // 112
    ).withName("llama_context_params");

    /** {@code struct llama_batch}, 56 bytes; every array has {@code n_tokens} entries. */
    static final StructLayout BATCH = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("n_tokens"),                  //  0
            MemoryLayout.paddingLayout(4),                              //  4
            ValueLayout.ADDRESS.withName("token"),                      //  8 llama_token *
            ValueLayout.ADDRESS.withName("embd"),                       // 16 float *
            ValueLayout.ADDRESS.withName("pos"),                        // 24 llama_pos *
            ValueLayout.ADDRESS.withName("n_seq_id"),                   // 32 int32_t *
            ValueLayout.ADDRESS.withName("seq_id"),                     // 40 llama_seq_id **
            ValueLayout.ADDRESS.withName("logits")                      // 48 int8_t *
    ).withName("llama_batch");

    static VarHandle field(StructLayout struct, String name) {
        return struct.varHandle(groupElement(name));
    }
}
