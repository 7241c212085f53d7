// Learning-rate schedules: the step size as a function of t, the number of optimizer steps
// taken so far (0 for the first step). Each is a small value type; `Schedule` holds any one.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <variant>

namespace descend {

/// eta_t = lr
struct Constant {
    double lr = 0.01;  ///< the step size
    void validate() const {
        if (!(lr >= 0.0 && lr < INFINITY)) throw std::invalid_argument("lr must be finite and >= 0");
    }
    double operator()(std::int64_t) const { return lr; }
};

/// eta_t = t0 / (t + t1): the tutorial's SGD schedule (t0 = 5, t1 = 50).
struct InverseTime {
    double t0 = 5.0;   ///< numerator
    double t1 = 50.0;  ///< offset of the step count
    void validate() const {
        if (!(t0 > 0.0 && t0 < INFINITY)) throw std::invalid_argument("t0 must be finite and > 0");
        if (!(t1 > 0.0 && t1 < INFINITY)) throw std::invalid_argument("t1 must be finite and > 0");
    }
    double operator()(std::int64_t t) const { return t0 / (static_cast<double>(t) + t1); }
};

/// Any one schedule, chosen at run time.
using Schedule = std::variant<Constant, InverseTime>;

/// The learning rate of step t under `schedule`.
inline double learning_rate(const Schedule& schedule, std::int64_t t) {
    return std::visit([t](const auto& s) { return s(t); }, schedule);
}

}  // namespace descend
