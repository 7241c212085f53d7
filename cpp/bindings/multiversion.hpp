// Runtime CPU dispatch for the hot entry points of the module. Wheels must run on any x86-64,
// so instead of -march=native each marked function is compiled twice, for x86-64-v3
// (AVX2 + FMA) and for the baseline, and the loader picks one by the CPU it runs on.
// `flatten` inlines the header library's loops into each clone so they get the wider code.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define DESCEND_MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default"), flatten))
#define DESCEND_MULTIVERSION_CLONES 1
#else
#define DESCEND_MULTIVERSION
#define DESCEND_MULTIVERSION_CLONES 0
#endif
