// Binary logistic regression (objectives/logistic.hpp): the log-loss against log(1 + e^z) - y z
// written plainly, the gradient against central differences on dense and CSR X, and the
// stable evaluation at margins of +-1e300 (finite loss, slope in [-1, 1]).
#include <descend/objectives/logistic.hpp>

#include <cmath>
#include <vector>

#include "linear_data.hpp"

template <class Matrix>
static descend::Logistic<double, Matrix> logistic_on(const LinearData& d, const Matrix& X,
                                                     const std::vector<double>& labels,
                                                     bool weighted) {
    descend::Logistic<double, Matrix> logistic;
    logistic.X = X;
    logistic.y = labels.data();
    logistic.sample_weight = weighted ? d.weight.data() : nullptr;
    logistic.mean_weight = weighted ? d.mean_weight() : 1.0;
    return logistic;
}

static std::vector<double> labels_of(const LinearData& d) {
    std::vector<double> labels;
    for (const std::int64_t c : d.label) labels.push_back(static_cast<double>(c));
    return labels;
}

TEST_CASE(logistic_loss_is_the_plain_log_loss) {
    const LinearData d(10, 4, 2, 11);
    const std::vector<double> labels = labels_of(d);
    const std::vector<double> theta = {0.3, 1.5, -2.0, 0.7, 2.5};
    const auto logistic = logistic_on(d, d.dense(), labels, true);
    std::vector<double> grad(5);
    double expected = 0.0;
    for (std::size_t i = 0; i < d.m; ++i) {
        double z = theta[0];
        for (std::size_t j = 0; j < 4; ++j) z += d.X[i * 4 + j] * theta[j + 1];
        expected += d.weight[i] * (std::log(1.0 + std::exp(z)) - labels[i] * z);
    }
    expected /= static_cast<double>(d.m) * d.mean_weight();
    CHECK_CLOSE(logistic.loss_and_gradient(nullptr, d.m, theta.data(), grad.data()), expected, 1e-14);
}

TEST_CASE(logistic_gradient_matches_central_differences) {
    const std::vector<double> theta3 = {0.3, 1.5, -2.0, 0.7}, theta6 = {0.3, 1.5, -2.0, 0.7, 0.1, -1.0, 2.0};
    const LinearData narrow(9, 3, 2, 12), wide(9, 6, 2, 13);
    const std::vector<double> narrow_labels = labels_of(narrow), wide_labels = labels_of(wide);
    for (const bool weighted : {false, true}) {
        check_gradient_by_differences(logistic_on(narrow, narrow.dense(), narrow_labels, weighted),
                                      theta3, {}, 1e-8);
        check_gradient_by_differences(logistic_on(wide, wide.dense(), wide_labels, weighted),
                                      theta6, {8, 0, 3, 3, 5}, 1e-8);
        check_gradient_by_differences(logistic_on(wide, wide.csr(), wide_labels, weighted),
                                      theta6, {8, 0, 3, 3, 5}, 1e-8);
    }
    // CSR and dense agree on the same rows
    const auto dense = logistic_on(wide, wide.dense(), wide_labels, true);
    const auto sparse = logistic_on(wide, wide.csr(), wide_labels, true);
    std::vector<double> g_dense(7), g_sparse(7);
    CHECK_CLOSE(sparse.loss_and_gradient(nullptr, 9, theta6.data(), g_sparse.data()),
                dense.loss_and_gradient(nullptr, 9, theta6.data(), g_dense.data()), 1e-14);
    for (std::size_t j = 0; j < 7; ++j) CHECK_CLOSE(g_sparse[j], g_dense[j], 1e-14);
}

TEST_CASE(logistic_point_is_stable_at_huge_margins) {
    const descend::LogisticPoint point;
    for (const double z : {1e300, -1e300, 800.0, -800.0}) {
        for (const double y : {0.0, 1.0}) {
            const descend::LossAndSlope l = point(z, y);
            CHECK(std::isfinite(l.value) && l.value >= 0.0);
            CHECK(l.slope >= -1.0 && l.slope <= 1.0);
            // the wrong side costs |z|, the right side nothing; slope sigmoid(z) - y is 0 or +-1
            const bool wrong = (z > 0.0) != (y == 1.0);
            CHECK(l.value == (wrong ? std::fabs(z) : 0.0));
            CHECK(l.slope == (wrong ? (z > 0.0 ? 1.0 : -1.0) : 0.0));
        }
    }
    CHECK_CLOSE(point(0.0, 1.0).value, std::log(2.0), 1e-15);
    CHECK_CLOSE(point(0.0, 1.0).slope, -0.5, 1e-15);
    CHECK_CLOSE(point(-2.0, 0.0).value, std::log1p(std::exp(-2.0)), 1e-15);
    CHECK_CLOSE(point(-2.0, 0.0).slope, 1.0 / (1.0 + std::exp(2.0)), 1e-15);
}

TEST_CASE(logistic_objective_is_finite_at_margins_of_1e300) {
    // One feature x = 1 in two rows labelled 0 and 1, theta = (0, 1e300): margins 1e300.
    const std::vector<double> X = {1.0, 1.0}, labels = {0.0, 1.0};
    descend::Logistic<double> logistic;
    logistic.X = {X.data(), 2, 1};
    logistic.y = labels.data();
    for (const double w : {1e300, -1e300}) {
        const double theta[2] = {0.0, w};
        double grad[2];
        const double loss = logistic.loss_and_gradient(nullptr, 2, theta, grad);
        CHECK(loss == 0.5e300);  // one row costs 1e300, the other 0
        // slopes (1, 0) at +1e300, (0, -1) at -1e300: grad = +-(1/2, 1/2)
        const double half = w > 0.0 ? 0.5 : -0.5;
        CHECK(grad[0] == half && grad[1] == half);
    }
}
