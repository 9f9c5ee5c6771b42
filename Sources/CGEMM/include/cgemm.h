#ifndef REPRO_CGEMM_H
#define REPRO_CGEMM_H

#include <stddef.h>

// C = alpha · A · Wᵀ (+ C) with W packed once, for the Linear layers (weights fixed for a
// model's life, activations new every call). OpenBLAS packs both operands on every call; with a
// batch of one image (197 rows) the weight packing is a visible share of the call, and its
// small-M kernels leave a fifth of the machine unused (measured against this kernel on the
// 2-vCPU Zen 4 dev VM at DeiT-S's shapes, one thread each).
//
// Each width's kernel is compiled for itself (target attributes) and chosen at run time, so
// the library works in any build and on any x86-64 CPU; on a CPU with neither AVX-512F nor
// AVX2 + FMA `repro_gemm_panel_width` returns 0 and the caller stays with BLAS.

// Columns per packed panel for this CPU: 64 (AVX-512F: 6×64 register tile), 16 (AVX2 + FMA:
// 6×16 tile), or 0 (no kernel; use BLAS).
int repro_gemm_panel_width(void);

// Floats `repro_gemm_pack` writes for an [n, k] weight at panel width `nr`: n rounded up to nr, × k.
size_t repro_gemm_packed_count(int n, int k, int nr);

// w: [n, k] row-major (PyTorch's [out, in]) → packed: panels of nr columns, each [k, nr]
// (zero-padded past column n).
void repro_gemm_pack(const float *w, int n, int k, int nr, float *packed);

// c[m, panels p0..<p1 of n] = alpha · a[m, k] · wᵀ (+ c[...] when accumulate) (+ alpha · bias[cols]
// when bias is not NULL; bias: [n], indexed by column like c's rows), where w was packed by
// repro_gemm_pack at panel width nr (64 needs AVX-512F, 16 AVX2 + FMA: the caller checks
// repro_gemm_panel_width). a has row stride lda, c row stride ldc.
void repro_gemm_packed(int m, int n, int k, float alpha, const float *a, int lda, const float *packed,
                       int nr, int p0, int p1, int accumulate, const float *bias, float *c, int ldc);

#endif
