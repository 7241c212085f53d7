// DESCEND_SIMD(clauses): the loop that follows may run in SIMD lanes (with these reduction
// clauses), written once here so that every way of compiling the headers stays warning-free.
// `#pragma omp simd` is honoured under -fopenmp (which defines _OPENMP) and under -fopenmp-simd,
// which defines no macro in GCC: whoever adds -fopenmp-simd also defines DESCEND_OPENMP_SIMD
// (this project's CMake build does). Otherwise GCC gets `#pragma GCC ivdep` (the loop's
// iterations are independent; floating-point reductions then stay in order), and other
// compilers nothing: the loops are correct either way, only their speed differs.
#pragma once

#if defined(_OPENMP) || defined(DESCEND_OPENMP_SIMD)
#define DESCEND_PRAGMA(text) _Pragma(#text)
#define DESCEND_SIMD(...) DESCEND_PRAGMA(omp simd __VA_ARGS__)
#elif defined(__GNUC__) && !defined(__clang__)
#define DESCEND_SIMD(...) _Pragma("GCC ivdep")
#else
#define DESCEND_SIMD(...)
#endif
