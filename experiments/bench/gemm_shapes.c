// The packed-weight GEMM (Sources/CGEMM) against OpenBLAS's sgemm on DeiT-S's Linear shapes,
// one thread each, best of 20 calls, in one process. Build and run with experiments/bench/gemm.
#include "cgemm.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    // rows × out × in: qkv, proj, fc1, fc2 at batch 1 (197 tokens) and a micro-batch of 4
    // images (788), the 50-token first stage, and the classifier head at batch 1.
    const int shapes[][3] = {{197, 1152, 384}, {197, 384, 384}, {197, 1536, 384}, {197, 384, 1536},
                             {788, 1152, 384}, {788, 384, 1536}, {50, 1152, 384}, {1, 1000, 384}};
    const int widest = repro_gemm_panel_width();
    openblas_set_num_threads(1);
    printf("panel width %d (%s)\n", widest, widest == 64 ? "AVX-512" : widest == 16 ? "AVX2+FMA" : "none");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *w = malloc(sizeof(float) * n * k);
        float *c1 = malloc(sizeof(float) * m * n), *c2 = malloc(sizeof(float) * m * n);
        srand(1);
        for (int i = 0; i < m * k; i++) a[i] = (rand() % 1000) / 1000.f - 0.5f;
        for (int i = 0; i < n * k; i++) w[i] = (rand() % 1000) / 1000.f - 0.5f;
        double blas = 1e9, packed = 1e9, diff = 0;
        float *p = NULL;
        if (widest) {
            p = malloc(sizeof(float) * repro_gemm_packed_count(n, k, widest));
            repro_gemm_pack(w, n, k, widest, p);
        }
        for (int rep = 0; rep < 20; rep++) {
            double t0 = now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, w, k, 0, c1, n);
            double t1 = now();
            if (p) repro_gemm_packed(m, n, k, 1, a, k, p, widest, 0, (n + widest - 1) / widest, 0, NULL, c2, n);
            double t2 = now();
            if (t1 - t0 < blas) blas = t1 - t0;
            if (t2 - t1 < packed) packed = t2 - t1;
        }
        for (int i = 0; p && i < m * n; i++) {
            double d = c1[i] > c2[i] ? c1[i] - c2[i] : c2[i] - c1[i];
            if (d > diff) diff = d;
        }
        const double gflop = 2.0 * m * n * k / 1e9;
        printf("%4d x %4d x %4d   OpenBLAS %6.1f GFLOP/s   packed %6.1f GFLOP/s   max |diff| %.1g\n",
               m, n, k, gflop / blas, p ? gflop / packed : 0.0, diff);
        free(a); free(w); free(c1); free(c2); free(p);
    }
    return 0;
}
