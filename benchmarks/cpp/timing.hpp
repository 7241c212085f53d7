// Timing for the C++ microbenchmarks of this directory: the CPU time of the calling thread
// (not wall time: while the thread waits for a core on a shared machine, its clock stands
// still) and the median over repeats.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

namespace bench {

/// Seconds of CPU time the calling thread has used.
inline double thread_seconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// The median of `values` (of an even count, the upper of the two middle ones).
inline double median(std::vector<double> values) {
    const std::size_t middle = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                     values.end());
    return values[middle];
}

/// Median over `repeats` (>= 1) runs of the thread CPU seconds `run` takes.
inline double median_seconds(int repeats, const std::function<void()>& run) {
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        const double start = thread_seconds();
        run();
        times.push_back(thread_seconds() - start);
    }
    return median(times);
}

}  // namespace bench
