// The solver loop's fused path (solver_fused.hpp over fused_sgd.hpp) against its generic loop:
// plain SGD with one row per step on penalized squared-error, Huber and logistic objectives,
// dense and CSR, shuffled and with replacement, with and without averaging, gives the same
// parameters, average and losses up to rounding.
#include <descend/objectives/huber.hpp>
#include <descend/objectives/least_squares.hpp>
#include <descend/objectives/logistic.hpp>
#include <descend/objectives/penalties.hpp>
#include <descend/solver.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "check.hpp"
#include "linear_data.hpp"

namespace {

/// The same objective with the generic loop's hooks and no fused path: the loop sees a plain
/// objective whose loss and gradient are the data term's plus the l2 part's, and whose
/// penalty value and l1 proximal step are forwarded below.
template <class Data>
struct Unfused {
    descend::Penalized<Data> inner;
    std::size_t n_samples() const { return inner.n_samples(); }
    std::size_t n_params() const { return inner.n_params(); }
    std::size_t n_intercepts() const { return inner.n_intercepts(); }
    double loss_and_gradient(const std::size_t* rows, std::size_t count, const double* theta,
                             double* grad) const {
        return descend::data_loss_and_gradient(inner, rows, count, theta, grad);
    }
};

template <class Data, class T>
double penalty_at(const Unfused<Data>& objective, const T* theta) {
    return objective.inner.penalty_value(theta);
}

template <class Data, class T>
void apply_proximal_step(const Unfused<Data>& objective, T* theta, double lr) {
    objective.inner.proximal_step(theta, lr);
}

/// theta, average and losses after `epochs` epochs of plain SGD with one row per step.
struct Outcome {
    std::vector<double> theta, average, losses;
};

template <class Objective>
Outcome fit(const Objective& objective, descend::Sampling sampling, std::size_t average_from,
            const std::vector<std::size_t>& train) {
    descend::SolverOptions options;
    options.batch_size = 1;
    options.sampling = sampling;
    options.max_iter = 3;
    options.tol = -1.0;
    options.average = average_from;
    Outcome out{std::vector<double>(objective.n_params(), 0.1),
                std::vector<double>(objective.n_params(), 0.0), {}};
    descend::SolverState run;
    run.random.reseed(7);
    descend::Schedule schedule = descend::InvScaling{0.05, 0.25};
    descend::History history;
    const descend::RowSet rows{train.data(), train.size()};
    descend::run_epochs(objective, rows, descend::Validation<Objective>{},
                        descend::Iterate<double>{out.theta.data(), nullptr,
                                                 average_from > 0 ? out.average.data() : nullptr},
                        descend::SGD{}, schedule, options, run, 3, history);
    out.losses = history.losses;
    CHECK_EQ(run.step, 3 * static_cast<std::int64_t>(train.size()));
    return out;
}

void check_same(const Outcome& fused, const Outcome& generic) {
    CHECK_EQ(fused.losses.size(), generic.losses.size());
    for (std::size_t e = 0; e < fused.losses.size(); ++e)
        CHECK_CLOSE(fused.losses[e], generic.losses[e], 1e-10);
    for (std::size_t j = 0; j < fused.theta.size(); ++j) {
        CHECK_CLOSE(fused.theta[j], generic.theta[j], 1e-10);
        CHECK_CLOSE(fused.average[j], generic.average[j], 1e-10);
    }
}

/// Every penalty, sampling and averaging setting for one data term.
template <class Data>
void compare_paths(const Data& data, bool csr) {
    const std::vector<std::size_t> train = {0, 2, 3, 5, 6, 7, 9, 10, 12, 13, 14, 16, 17, 18, 19};
    for (const descend::PenaltyKind kind : {descend::PenaltyKind::none, descend::PenaltyKind::l2,
                                            descend::PenaltyKind::l1,
                                            descend::PenaltyKind::elasticnet}) {
        const descend::Penalized<Data> objective{data, {kind, 0.01, 0.5}};
        const Unfused<Data> generic{objective};
        for (const descend::Sampling sampling :
             {descend::Sampling::shuffle, descend::Sampling::replacement}) {
            for (const std::size_t average_from : {0u, 4u}) {
                const bool averaging = average_from > 0;
                const bool supported = !(csr && averaging && objective.penalty.l1_strength() != 0.0);
                CHECK(descend::takes_fused_sgd(objective, descend::SGD{}, averaging) == supported);
                CHECK(!descend::takes_fused_sgd(generic, descend::SGD{}, averaging));
                check_same(fit(objective, sampling, average_from, train),
                           fit(generic, sampling, average_from, train));
            }
        }
    }
}

}  // namespace

TEST_CASE(fused_and_generic_paths_agree_on_least_squares) {
    const LinearData d(20, 6, 2, 3);
    descend::LeastSquares<double> dense;
    dense.X = d.dense();
    dense.y = d.y.data();
    dense.sample_weight = d.weight.data();
    dense.mean_weight = d.mean_weight();
    compare_paths(dense, false);
    descend::LeastSquares<double, descend::CsrView<double, std::int32_t>> csr;
    csr.X = d.csr();
    csr.y = d.y.data();
    compare_paths(csr, true);
}

TEST_CASE(fused_and_generic_paths_agree_on_huber) {
    const LinearData d(20, 6, 2, 4);
    descend::Huber<double> dense;
    dense.X = d.dense();
    dense.y = d.y.data();
    dense.epsilon = 0.3;
    dense.fit_intercept = false;
    compare_paths(dense, false);
    descend::Huber<double, descend::CsrView<double, std::int32_t>> csr;
    csr.X = d.csr();
    csr.y = d.y.data();
    csr.epsilon = 0.3;
    csr.sample_weight = d.weight.data();
    csr.mean_weight = d.mean_weight();
    compare_paths(csr, true);
}

TEST_CASE(fused_and_generic_paths_agree_on_logistic) {
    const LinearData d(20, 6, 2, 5);
    std::vector<double> labels(d.label.begin(), d.label.end());
    descend::Logistic<double> dense;
    dense.X = d.dense();
    dense.y = labels.data();
    compare_paths(dense, false);
    descend::Logistic<double, descend::CsrView<double, std::int32_t>> csr;
    csr.X = d.csr();
    csr.y = labels.data();
    compare_paths(csr, true);
}

TEST_CASE(only_plain_sgd_takes_the_fused_path) {
    const LinearData d(20, 6, 2, 6);
    descend::Penalized<descend::LeastSquares<double>> objective;
    objective.objective.X = d.dense();
    objective.objective.y = d.y.data();
    descend::SGD momentum, decay, maximize;
    momentum.momentum = 0.9;
    decay.weight_decay = 0.1;
    maximize.maximize = true;
    CHECK(descend::takes_fused_sgd(objective, descend::SGD{}, false));
    CHECK(!descend::takes_fused_sgd(objective, momentum, false));
    CHECK(!descend::takes_fused_sgd(objective, decay, false));
    CHECK(!descend::takes_fused_sgd(objective, maximize, false));
    CHECK(!descend::takes_fused_sgd(objective, descend::Adam{}, false));
    CHECK(!descend::takes_fused_sgd(objective.objective, descend::SGD{}, false));  // not Penalized
}
