// The loop of fit_linear (linear_data.hpp's run_fit): solver.hpp's run_epochs on the
// type-erased linear data term, for float64 and float32, plain and internal coordinates.
#include <descend/objectives/scaled.hpp>
#include <descend/solver.hpp>

#include <cstddef>

#include "linear_data.hpp"
#include "multiversion.hpp"

namespace descend::bindings {

template <class Objective, class T>
DESCEND_MULTIVERSION Status run_fit(const Objective& objective, const RowSet& train,
                                    const Validation<Objective>& validation,
                                    const Iterate<T>& iterate, const Optimizer& optimizer,
                                    Schedule& schedule, const SolverOptions& options,
                                    SolverState& run, std::size_t epochs, History& history) {
    return run_epochs(objective, train, validation, iterate, optimizer, schedule, options, run,
                      epochs, history);
}

template Status run_fit(const Penalized<LinearData<double>>&, const RowSet&,
                        const Validation<Penalized<LinearData<double>>>&, const Iterate<double>&,
                        const Optimizer&, Schedule&, const SolverOptions&, SolverState&,
                        std::size_t, History&);
template Status run_fit(const Penalized<LinearData<float>>&, const RowSet&,
                        const Validation<Penalized<LinearData<float>>>&, const Iterate<float>&,
                        const Optimizer&, Schedule&, const SolverOptions&, SolverState&,
                        std::size_t, History&);
template Status run_fit(const Scaled<Penalized<LinearData<double>>, double>&, const RowSet&,
                        const Validation<Scaled<Penalized<LinearData<double>>, double>>&,
                        const Iterate<double>&, const Optimizer&, Schedule&,
                        const SolverOptions&, SolverState&, std::size_t, History&);
template Status run_fit(const Scaled<Penalized<LinearData<float>>, float>&, const RowSet&,
                        const Validation<Scaled<Penalized<LinearData<float>>, float>>&,
                        const Iterate<float>&, const Optimizer&, Schedule&,
                        const SolverOptions&, SolverState&, std::size_t, History&);

}  // namespace descend::bindings
