// Callbacks: a read-only view of a run's progress, handed to the caller's function after every
// epoch (fit, run_epochs) or iteration (minimize). The function returns true to go on, false
// to stop the run there; a stopped run keeps status running, so it can be continued.
#pragma once

#include <cstddef>
#include <cstdint>

#include "view.hpp"

namespace descend {

/// Where a run of epochs stands after one more epoch.
template <class T>
struct EpochProgress {
    std::size_t epoch = 0;       ///< epochs completed, this one included (1 after the first)
    std::int64_t steps = 0;      ///< optimizer steps taken so far
    double loss = 0.0;           ///< this epoch's loss (see run_epochs)
    double validation_loss = 0.0;  ///< the held-out mean data loss, NaN without validation
    VectorView<const T> theta;   ///< the parameters after this epoch
};

/// Where a minimize run stands after one more iteration.
struct IterationProgress {
    std::int64_t iteration = 0;        ///< steps taken so far (0: the starting point)
    double fun = 0.0;                  ///< f at x
    VectorView<const double> x;        ///< the iterate
    VectorView<const double> gradient; ///< grad f at x
};

/// The callback that never stops a run: the default.
struct NoCallback {
    template <class Progress>
    bool operator()(const Progress&) const {
        return true;
    }
};

}  // namespace descend
