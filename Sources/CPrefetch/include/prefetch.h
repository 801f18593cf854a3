#ifndef SIGHTLINE_PREFETCH_H
#define SIGHTLINE_PREFETCH_H

/// Asks the CPU to bring the cache line at `p` into L1 ahead of its use (no fault if `p` is past an allocation).
static inline void sightline_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
