// The constant learning rate.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace descend {

/// eta_t = lr
struct Constant {
    double lr = 0.01;  ///< the step size

    /// Throws std::invalid_argument unless lr is finite and >= 0.
    void validate() const {
        if (!(lr >= 0.0 && lr < INFINITY)) throw std::invalid_argument("lr must be a finite number >= 0");
    }
    /// The learning rate of step t.
    double operator()(std::int64_t) const { return lr; }
};

}  // namespace descend
