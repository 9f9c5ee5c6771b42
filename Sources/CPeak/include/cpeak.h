#ifndef REPRO_CPEAK_H
#define REPRO_CPEAK_H

// Independent fp32 FMA chains for measuring the machine's multiply-add peak at each vector
// width, compiled for that width whatever the rest of the build targets and chosen at run time
// by what the CPU reports, so that the peak is the widest unit's even in a generic build.

// Widest FMA unit this CPU can run: 512 (AVX-512F), 256 (AVX2 + FMA) or 0 (none).
int repro_peak_widest_bits(void);

// Runs `iterations` steps of `repro_peak_chains` independent FMA chains on `bits`-wide vectors
// (512 or 256; the caller checks `repro_peak_widest_bits` first) and returns a value depending
// on every chain, so that none can be optimized away. Floating-point operations per call:
// iterations · chains · (bits / 32) · 2.
float repro_peak_run(int bits, long iterations, float seed);

// Chains per call: enough to cover FMA latency (4 cycles) on two FMA pipes with room to spare.
enum { repro_peak_chains = 16 };

#endif
