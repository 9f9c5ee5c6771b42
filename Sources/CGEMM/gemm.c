#include "cgemm.h"
#include <immintrin.h>

// K is taken in chunks (KC; a chunk of a 64-wide packed panel is 48 KiB, of a 16-wide one
// 12 KiB) while the row tiles of a block pass over it, and rows in blocks of MC so that the
// block's activations (MC × KC floats, 149 KiB) stay in L2 while every panel passes over them.
// MC is a multiple of both row tiles (6), so that one image's 197 rows make one block; KC 128
// measured level or slower than 192 with the 64-wide panels.
#define KC 192
#define MC 198

int repro_gemm_panel_width(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 64;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 16;
    return 0;
}

size_t repro_gemm_packed_count(int n, int k, int nr) {
    return (size_t)((n + nr - 1) / nr) * (size_t)nr * (size_t)k;
}

void repro_gemm_pack(const float *w, int n, int k, int nr, float *packed) {
    int panels = (n + nr - 1) / nr;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (size_t)p * k * nr;
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < nr; j++) {
                int col = p * nr + j;
                dst[(size_t)kk * nr + j] = col < n ? w[(size_t)col * k + kk] : 0.0f;
            }
        }
    }
}

// ---- AVX-512: 6 rows × 64 columns of accumulators (24 zmm), B rows as 4 zmm, A broadcast.
// Four B vectors per broadcast A element (one broadcast per 4 FMAs, against one per 2 for a
// 14 × 32 tile) measured 5–8 % faster on DeiT-S's Linear sequence on the Zen 4 dev VM
// (experiments/bench/gemm_sequence.c; 6 × 64 against 14 × 32 and 8 × 48, alternating runs);
// 7 × 64 needs 33 registers and spills.

#define MR512 6
#define NV512 4

static inline __attribute__((always_inline, target("avx512f")))
void tile512(const int R, const float *a, int lda, const float *b, int kc, float alpha, int load_c,
             const float *bias, float *c, int ldc, const __mmask16 *mask) {
    __m512 acc[MR512][NV512];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR512; r++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < NV512; j++) {
            if (r < R) acc[r][j] = _mm512_setzero_ps();
        }
    }
    for (int k = 0; k < kc; k++) {
        __m512 bv[NV512];
#pragma clang loop unroll(full)
        for (int j = 0; j < NV512; j++) bv[j] = _mm512_loadu_ps(b + k * 64 + 16 * j);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR512; r++) {
            if (r < R) {
                const __m512 av = _mm512_set1_ps(a[r * lda + k]);
#pragma clang loop unroll(full)
                for (int j = 0; j < NV512; j++) acc[r][j] = _mm512_fmadd_ps(av, bv[j], acc[r][j]);
            }
        }
    }
    const __m512 al = _mm512_set1_ps(alpha);
    __m512 bv[NV512];
    if (bias) {
#pragma clang loop unroll(full)
        for (int j = 0; j < NV512; j++) bv[j] = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask[j], bias + 16 * j), al);
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR512; r++) {
        if (r < R) {
            float *cr = c + r * ldc;
#pragma clang loop unroll(full)
            for (int j = 0; j < NV512; j++) {
                __m512 v = _mm512_mul_ps(acc[r][j], al);
                if (load_c) v = _mm512_add_ps(_mm512_maskz_loadu_ps(mask[j], cr + 16 * j), v);
                if (bias) v = _mm512_add_ps(v, bv[j]);
                _mm512_mask_storeu_ps(cr + 16 * j, mask[j], v);
            }
        }
    }
}

__attribute__((target("avx512f")))
static void rows512(int R, const float *a, int lda, const float *b, int kc, float alpha, int load_c,
                    const float *bias, float *c, int ldc, int cols) {
    __mmask16 mask[NV512];
    for (int j = 0; j < NV512; j++) {
        const int left = cols - 16 * j;
        mask[j] = left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
    }
    switch (R) {
#define T512(n) case n: tile512(n, a, lda, b, kc, alpha, load_c, bias, c, ldc, mask); break;
    T512(6) T512(5) T512(4) T512(3) T512(2) T512(1)
    default: break;
    }
}

// ---- AVX2 + FMA: 6 rows × 16 columns (12 ymm), B rows as 2 ymm, A broadcast.

#define MR256 6

static inline __attribute__((always_inline, target("avx2,fma")))
__m256i mask256(int cols) {
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), idx);
}

static inline __attribute__((always_inline, target("avx2,fma")))
void tile256(const int R, const float *a, int lda, const float *b, int kc, float alpha, int load_c,
             const float *bias, float *c, int ldc, int cols) {
    __m256 acc0[MR256], acc1[MR256];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR256; r++) {
        if (r < R) { acc0[r] = _mm256_setzero_ps(); acc1[r] = _mm256_setzero_ps(); }
    }
    for (int k = 0; k < kc; k++) {
        const __m256 b0 = _mm256_loadu_ps(b + k * 16), b1 = _mm256_loadu_ps(b + k * 16 + 8);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR256; r++) {
            if (r < R) {
                const __m256 av = _mm256_broadcast_ss(a + r * lda + k);
                acc0[r] = _mm256_fmadd_ps(av, b0, acc0[r]);
                acc1[r] = _mm256_fmadd_ps(av, b1, acc1[r]);
            }
        }
    }
    const __m256 al = _mm256_set1_ps(alpha);
    const __m256i m0 = mask256(cols), m1 = mask256(cols - 8);
    __m256 bias0 = _mm256_setzero_ps(), bias1 = _mm256_setzero_ps();
    if (bias) {
        bias0 = _mm256_mul_ps(_mm256_maskload_ps(bias, m0), al);
        bias1 = _mm256_mul_ps(_mm256_maskload_ps(bias + 8, m1), al);
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR256; r++) {
        if (r < R) {
            float *cr = c + r * ldc;
            __m256 v0 = _mm256_mul_ps(acc0[r], al), v1 = _mm256_mul_ps(acc1[r], al);
            if (load_c) {
                v0 = _mm256_add_ps(_mm256_maskload_ps(cr, m0), v0);
                v1 = _mm256_add_ps(_mm256_maskload_ps(cr + 8, m1), v1);
            }
            if (bias) {
                v0 = _mm256_add_ps(v0, bias0);
                v1 = _mm256_add_ps(v1, bias1);
            }
            _mm256_maskstore_ps(cr, m0, v0);
            _mm256_maskstore_ps(cr + 8, m1, v1);
        }
    }
}

__attribute__((target("avx2,fma")))
static void rows256(int R, const float *a, int lda, const float *b, int kc, float alpha, int load_c,
                    const float *bias, float *c, int ldc, int cols) {
    switch (R) {
#define T256(n) case n: tile256(n, a, lda, b, kc, alpha, load_c, bias, c, ldc, cols); break;
    T256(6) T256(5) T256(4) T256(3) T256(2) T256(1)
    default: break;
    }
}

// ---- One blocking for both widths: rows in blocks of MC, K in chunks of KC, then every panel
// of the block's chunk, row tile by row tile (`rows` is the width's register-tile kernel).

typedef void (*rows_fn)(int R, const float *a, int lda, const float *b, int kc, float alpha, int load_c,
                        const float *bias, float *c, int ldc, int cols);

// The bias is added once, by the last K chunk's store, after C (as `out += alpha·bias` after
// the product would: the same operations in the same order).
static void drive(int nr, int mr, rows_fn rows, int m, int n, int k, float alpha, const float *a, int lda,
                  const float *packed, int p0, int p1, int accumulate, const float *bias, float *c, int ldc) {
    for (int i0 = 0; i0 < m; i0 += MC) {
        const int mc = m - i0 < MC ? m - i0 : MC;
        for (int k0 = 0; k0 < k; k0 += KC) {
            const int kc = k - k0 < KC ? k - k0 : KC;
            const int load_c = accumulate || k0 > 0;
            const int last = k0 + kc == k;
            for (int p = p0; p < p1; p++) {
                const int cols = n - p * nr < nr ? n - p * nr : nr;
                const float *b = packed + ((size_t)p * k + k0) * nr;
                const float *pb = last && bias ? bias + p * nr : NULL;
                for (int i = i0; i < i0 + mc; i += mr) {
                    const int R = i0 + mc - i < mr ? i0 + mc - i : mr;
                    rows(R, a + (size_t)i * lda + k0, lda, b, kc, alpha, load_c, pb, c + (size_t)i * ldc + p * nr, ldc, cols);
                }
            }
        }
    }
}

void repro_gemm_packed(int m, int n, int k, float alpha, const float *a, int lda, const float *packed,
                       int nr, int p0, int p1, int accumulate, const float *bias, float *c, int ldc) {
    if (m <= 0 || p1 <= p0) return;
    if (nr == 64) drive(64, MR512, rows512, m, n, k, alpha, a, lda, packed, p0, p1, accumulate, bias, c, ldc);
    else if (nr == 16) drive(16, MR256, rows256, m, n, k, alpha, a, lda, packed, p0, p1, accumulate, bias, c, ldc);
}
