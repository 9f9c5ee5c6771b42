#include "cpool.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 255

// The job in flight. `ticket` packs the job's generation (high 32 bits) with the next index to
// hand out (low 32 bits), so that a worker's claim of an index fails when a newer job has been
// installed since it read fn / ctx / tasks (a seqlock: those fields are rewritten only for a new
// generation, after every index of the old one has finished).
static _Atomic uint64_t ticket;
static _Atomic(void (*)(void *, int)) job_fn;
static _Atomic(void *) job_ctx;
static _Atomic int job_tasks;
static _Atomic int job_width;
static _Atomic int finished;          // indices of the current job done

// One futex word per pool thread, so that a job wakes only the threads it uses (a pool grown
// for a wide scope must not wake spare threads to spin beside a two-thread job).
struct slot {
    _Atomic uint32_t seq;             // futex word: bumped to wake this thread
    _Atomic int sleeping;
    char pad[56];
};
static struct slot slots[MAX_THREADS];
static _Atomic int started;           // pool threads running
static pthread_mutex_t submit = PTHREAD_MUTEX_INITIALIZER;
static long spin_ns = -1;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

// Claims and runs indices of generation `gen` until none is left (or a newer job replaced it).
static void participate(uint32_t gen) {
    for (;;) {
        uint64_t t = atomic_load_explicit(&ticket, memory_order_acquire);
        if ((uint32_t)(t >> 32) != gen) return;
        // Read after the acquire, so at least as new as `gen`; if they are newer, the ticket has
        // moved on and the claim below fails.
        void (*fn)(void *, int) = atomic_load_explicit(&job_fn, memory_order_relaxed);
        void *ctx = atomic_load_explicit(&job_ctx, memory_order_relaxed);
        const int tasks = atomic_load_explicit(&job_tasks, memory_order_relaxed);
        if ((int)(uint32_t)t >= tasks) return;
        if (!atomic_compare_exchange_weak_explicit(&ticket, &t, t + 1, memory_order_acq_rel, memory_order_relaxed))
            continue;
        fn(ctx, (int)(uint32_t)t);
        atomic_fetch_add_explicit(&finished, 1, memory_order_release);
    }
}

static void *worker(void *arg) {
    const int index = (int)(intptr_t)arg;  // 0-based among pool threads
    struct slot *me = &slots[index];
    uint32_t seen = 0;
    long deadline = now_ns() + spin_ns;
    for (;;) {
        // Wait for a generation after `seen`: spin until the deadline, then sleep.
        uint32_t gen;
        for (int n = 0;; n++) {
            gen = (uint32_t)(atomic_load_explicit(&ticket, memory_order_acquire) >> 32);
            if (gen != seen) break;
            if ((n & 255) != 255) {
                cpu_relax();
            } else if (now_ns() <= deadline) {
                // Give the core up now and then: if the scheduler has put a thread with real
                // work beside this one (more runnable threads than cores), it runs instead.
                sched_yield();
            } else {
                uint32_t s = atomic_load(&me->seq);
                atomic_store(&me->sleeping, 1);
                gen = (uint32_t)(atomic_load(&ticket) >> 32);
                if (gen == seen) syscall(SYS_futex, &me->seq, FUTEX_WAIT_PRIVATE, s, NULL, NULL, 0);
                atomic_store(&me->sleeping, 0);
                deadline = now_ns() + spin_ns;
                n = 0;
            }
        }
        seen = gen;
        // Only a job this thread takes part in restarts its spinning time.
        if (index + 1 < atomic_load_explicit(&job_width, memory_order_relaxed)) {
            participate(gen);
            deadline = now_ns() + spin_ns;
        }
    }
    return NULL;
}

int repro_pool_threads(void) { return atomic_load(&started); }

int repro_pool_run(int tasks, int width, void (*fn)(void *ctx, int i), void *ctx) {
    if (tasks <= 0) return 1;
    if (pthread_mutex_trylock(&submit) != 0) return 0;
    if (spin_ns < 0) {
        const char *e = getenv("REPRO_POOL_SPIN_US");
        long us = e ? atol(e) : 200;
        spin_ns = (us < 0 ? 0 : us) * 1000L;
    }
    if (width > MAX_THREADS + 1) width = MAX_THREADS + 1;
    while (atomic_load(&started) < width - 1) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 8 << 20);
        const int index = atomic_load(&started);
        if (pthread_create(&t, &attr, worker, (void *)(intptr_t)index) != 0) {
            pthread_attr_destroy(&attr);
            break;
        }
        pthread_attr_destroy(&attr);
        pthread_detach(t);
        atomic_fetch_add(&started, 1);
    }
    atomic_store_explicit(&job_fn, fn, memory_order_relaxed);
    atomic_store_explicit(&job_ctx, ctx, memory_order_relaxed);
    atomic_store_explicit(&job_tasks, tasks, memory_order_relaxed);
    atomic_store_explicit(&job_width, width, memory_order_relaxed);
    atomic_store_explicit(&finished, 0, memory_order_relaxed);
    const uint32_t gen = (uint32_t)(atomic_load(&ticket) >> 32) + 1;
    atomic_store(&ticket, (uint64_t)gen << 32);  // seq_cst: publishes the fields above
    for (int i = 0; i < width - 1 && i < atomic_load(&started); i++) {
        if (atomic_load(&slots[i].sleeping)) {
            atomic_fetch_add(&slots[i].seq, 1);
            syscall(SYS_futex, &slots[i].seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        }
    }
    participate(gen);
    for (int n = 1; atomic_load_explicit(&finished, memory_order_acquire) < tasks; n++) {
        if (n & 255) cpu_relax(); else sched_yield();
    }
    pthread_mutex_unlock(&submit);
    return 1;
}
