// The loop of fit_linear (linear_data.hpp's run_fit): solver.hpp's run_epochs on the
// type-erased linear data term, for float64 and float32, plain and internal coordinates.
#include <descend/objectives/scaled.hpp>
#include <descend/objectives/threaded.hpp>
#include <descend/solver.hpp>

#include <cstddef>
#include <variant>

#include "linear_data.hpp"
#include "multiversion.hpp"

namespace descend::bindings {

// Full-batch passes on several threads (SolverOptions::n_threads): LinearData splits by rows
// as the objective it holds does (objectives/threaded.hpp). Each block runs that objective's
// dispatched kernel through LinearData's function pointer.
template <class T>
LinearData<T> row_block(const LinearData<T>& data, std::size_t begin, std::size_t end) {
    LinearData<T> part = data;
    std::visit([&](auto& objective) { objective = descend::row_block(objective, begin, end); },
               part.objective);
    part.samples = end - begin;
    return part;
}

template <class T>
std::size_t pass_entries(const LinearData<T>& data, std::size_t count) {
    return std::visit([&](const auto& objective) { return descend::pass_entries(objective, count); },
                      data.objective);
}

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
