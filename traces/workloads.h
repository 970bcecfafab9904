/* traces/workloads.h - GEMM workloads: built-in LLM/ViT layer presets from
 * the published model configs, SCALE-Sim GEMM topology CSV import, and
 * seeded synthetic operands (docs/workloads.md has sources and parameters).
 */
#ifndef MPS_TRACES_WORKLOADS_H
#define MPS_TRACES_WORKLOADS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One GEMM: A is M x K, W is N x K, Y = A W^T is M x N. */
typedef struct {
	char name[64]; /* layer name ("qkv", "o", "gate_up", "down", "fc1", ...) */
	size_t M, K, N;
} mps_wl_gemm_t;

/* A transformer model config (the published HF config.json values). */
typedef struct {
	const char *id;       /* preset id: "llama2-7b", ... */
	const char *title;    /* "Llama-2-7B" */
	unsigned hidden;      /* hidden_size */
	unsigned inter;       /* intermediate_size / ffn_dim */
	unsigned heads;       /* num_attention_heads */
	unsigned kv_heads;    /* num_key_value_heads */
	unsigned head_dim;    /* hidden / heads */
	unsigned gated;       /* 1: SwiGLU MLP (gate and up fused in one GEMM) */
	unsigned tokens;      /* ViT: tokens per image (0 for LLMs) */
	unsigned layers;      /* num_hidden_layers (for reports) */
} mps_wl_model_t;

/* Number of built-in models and the i-th (NULL when out of range). */
size_t mps_wl_model_count(void);
const mps_wl_model_t *mps_wl_model(size_t i);

#define MPS_WL_MAX_LAYERS 4
/* Default prefill sequence length and decode batch. */
#define MPS_WL_DEFAULT_SEQ 512
#define MPS_WL_DEFAULT_BATCH 1

/* Expand a preset "MODEL:PHASE[:N]" into its per-layer GEMMs (qkv, o,
 * gate_up or fc1, down or fc2; always 4).  PHASE is "prefill" (N = sequence
 * length, default 512; for ViT N = images, M = tokens x N, default 1) or
 * "decode" (N = batch, default 1; LLMs only).  Errors: MPS_ERR_INVAL with a
 * message naming the bad part and listing the valid values. */
int mps_wl_preset(const char *spec, mps_wl_gemm_t out[MPS_WL_MAX_LAYERS], size_t *n, mps_err_t *err);

/* Find a layer of a preset by name; aliases: "fc1" = "gate_up" = "up",
 * "fc2" = "down", "attn_out" = "o".  Errors: MPS_ERR_INVAL (unknown layer,
 * the message lists the preset's layers). */
int mps_wl_layer(const char *spec, const char *layer, mps_wl_gemm_t *out, mps_err_t *err);

/* Parse a SCALE-Sim GEMM topology CSV: a header line "Layer, M, N, K," and
 * rows "name, M, N, K" with an optional trailing comma; blank lines and
 * lines starting with '#' are skipped.  text is NUL-terminated; fname names
 * it in messages (file:line).  *out is allocated (free()).
 * Errors: MPS_ERR_PARSE, MPS_ERR_NOMEM. */
int mps_wl_csv_parse(const char *text, const char *fname, mps_wl_gemm_t **out, size_t *n, mps_err_t *err);

/* Read and parse a topology CSV file.  Errors: as above plus MPS_ERR_IO. */
int mps_wl_csv_load(const char *path, mps_wl_gemm_t **out, size_t *n, mps_err_t *err);

/* ------------------------------------------------------------------------
 * PRNG: xoshiro256** seeded through splitmix64 (Blackman & Vigna 2018).
 * ------------------------------------------------------------------------ */
#define MPS_WL_ZIG_LAYERS 128
typedef struct {
	uint64_t s[4];                        /* xoshiro256** state */
	double zx[MPS_WL_ZIG_LAYERS + 1];     /* ziggurat layer edges (normal draws) */
	double zr[MPS_WL_ZIG_LAYERS];         /* zx[i+1] / zx[i] */
} mps_wl_rng_t;

void mps_wl_rng_seed(mps_wl_rng_t *r, uint64_t seed);
uint64_t mps_wl_rng_u64(mps_wl_rng_t *r);
double mps_wl_rng_uniform(mps_wl_rng_t *r);  /* [0, 1), 53 bits */
double mps_wl_rng_normal(mps_wl_rng_t *r);   /* N(0, 1), 128-layer ziggurat */
double mps_wl_rng_student(mps_wl_rng_t *r, unsigned nu); /* Student-t, nu dof,
                                                            * chi2 from exponentials */

/* Synthetic operands (parameters in docs/workloads.md). */
#define MPS_WL_W_SIGMA 0.02     /* base weight standard deviation */
#define MPS_WL_W_CH_LOGSD 0.3   /* sd of log(channel scale) */
#define MPS_WL_A_NU 4           /* Student-t degrees of freedom */
#define MPS_WL_A_OUTLIER_FRAC 0.005
#define MPS_WL_A_OUTLIER_MIN 20.0
#define MPS_WL_A_OUTLIER_MAX 100.0

/* Weights w (N x K): w[n,k] = 0.02 * c_n * N(0,1), c_n = exp(0.3 N(0,1)),
 * from seed (stream "w").  Reproducible for a given seed and shape. */
void mps_wl_weights(uint64_t seed, size_t N, size_t K, float *w);

/* Activations a (M x K): a[m,k] = g_k * t_4 / sqrt(2) where g_k = 1, except
 * for max(1, round(0.005 K)) outlier channels with g_k uniform in
 * [20, 100], from seed (stream "a"). */
int mps_wl_acts(uint64_t seed, size_t M, size_t K, float *a); /* MPS_OK or MPS_ERR_NOMEM */

#ifdef __cplusplus
}
#endif

#endif /* MPS_TRACES_WORKLOADS_H */
