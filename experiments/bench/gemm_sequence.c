// DeiT-S's Linear layers as a forward pass calls them: 12 blocks × (qkv, proj, fc1, fc2), each
// block with its own packed weights (85 MB in all, so they stream from memory as in a model
// run, unlike gemm_shapes.c's repeated calls on one cache-warm weight), M rows per call, timed
// as a whole: the mean over passes, and the best pass. Usage: gemm_sequence [M] [passes].
// Built and run by experiments/bench/gemm; run two at once to see both cores busy.
#include "cgemm.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const int m = argc > 1 ? atoi(argv[1]) : 788, passes = argc > 2 ? atoi(argv[2]) : 6;
    enum { blocks = 12 };
    // out × in: qkv, proj, fc1, fc2; proj and fc2 accumulate into the residual stream.
    const int shapes[4][2] = {{1152, 384}, {384, 384}, {1536, 384}, {384, 1536}};
    const int nr = repro_gemm_panel_width();
    if (nr == 0) { printf("no packed kernel on this CPU\n"); return 0; }
    float *packed[blocks][4];
    double flops = 0;
    srand(1);
    for (int b = 0; b < blocks; b++) {
        for (int s = 0; s < 4; s++) {
            const int n = shapes[s][0], k = shapes[s][1];
            float *w = malloc(sizeof(float) * n * k);
            for (long i = 0; i < (long)n * k; i++) w[i] = (rand() % 1000) / 1000.f - 0.5f;
            packed[b][s] = malloc(sizeof(float) * repro_gemm_packed_count(n, k, nr));
            repro_gemm_pack(w, n, k, nr, packed[b][s]);
            free(w);
            flops += 2.0 * m * n * k;
        }
    }
    float *a = malloc(sizeof(float) * m * 1536), *c = calloc((size_t)m * 1536, sizeof(float));
    for (long i = 0; i < (long)m * 1536; i++) a[i] = (rand() % 1000) / 1000.f - 0.5f;
    double best = 1e9, total = 0;
    for (int r = 0; r < passes; r++) {
        const double t0 = now();
        for (int b = 0; b < blocks; b++) {
            for (int s = 0; s < 4; s++) {
                const int n = shapes[s][0], k = shapes[s][1];
                repro_gemm_packed(m, n, k, 1, a, k, packed[b][s], nr, 0, (n + nr - 1) / nr, s == 1 || s == 3, NULL, c, n);
            }
        }
        const double t = now() - t0;
        total += t;
        if (t < best) best = t;
    }
    printf("panel width %d, %d rows per call, 12 blocks: mean %.1f GFLOP/s, best pass %.1f GFLOP/s\n",
           nr, m, flops * passes / total / 1e9, flops / best / 1e9);
    return 0;
}
