#ifndef REPRO_CPOOL_H
#define REPRO_CPOOL_H

// A fork-join pool for the numeric kernels' parallel loops. Batch 1 of DeiT-S makes about a
// hundred parallel loops per image (every Linear, attention, LayerNorm and GELU of 12 blocks),
// each a few hundred microseconds long; handing them to GCD put the second core to sleep and
// woke it again every time (about 150 context switches per image, 1.78 of 2 CPUs busy on the
// 2-vCPU dev VM). Here the workers spin for a short while after each loop (REPRO_POOL_SPIN_US,
// default 200 µs) before they sleep on a futex, so that back-to-back loops start at once.

// Runs fn(ctx, i) for every i in 0..<tasks on the calling thread and up to width − 1 pool
// threads (started on first use), handing out indices in order to whichever thread asks next;
// returns when all have finished. Returns 0 without running anything when the pool is already
// serving another caller (the caller then uses another mechanism), 1 otherwise.
int repro_pool_run(int tasks, int width, void (*fn)(void *ctx, int i), void *ctx);

// Pool threads started so far (for tests and provenance).
int repro_pool_threads(void);

#endif
