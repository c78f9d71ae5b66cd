#pragma once

#include <cstdio>
#include <cstdlib>

/// RISKGRID_ASSERT(cond): an internal invariant, checked in debug builds only.
/// Bad *input* is never reported through it: that is what input_error is for.
#if defined(NDEBUG) && !defined(RISKGRID_ENABLE_ASSERTS)
#define RISKGRID_ASSERT(cond) ((void)0)
#else
#define RISKGRID_ASSERT(cond)                                                          \
  ((cond) ? (void)0                                                                    \
          : (std::fprintf(stderr, "%s:%d: riskgrid assertion failed: %s\n", __FILE__, \
                          __LINE__, #cond),                                            \
             std::abort()))
#endif
