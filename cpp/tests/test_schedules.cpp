// The learning-rate schedules (schedules.hpp): each closed form at a few t, worked out by hand,
// alone and through the Schedule variant; LinearWarmup's ramp and shift; ReduceOnPlateau on a
// scripted sequence of epoch losses, step by step as torch's ReduceLROnPlateau would go.
#include <descend/schedules.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"

using descend::learning_rate;
using descend::Schedule;

TEST_CASE(constant_is_lr_at_every_step) {
    const Schedule s = descend::Constant{0.25};
    CHECK(learning_rate(s, 0) == 0.25);
    CHECK(learning_rate(s, 123456) == 0.25);
}

TEST_CASE(inverse_time_is_t0_over_t_plus_t1) {
    const Schedule s = descend::InverseTime{5.0, 50.0};
    CHECK_CLOSE(learning_rate(s, 0), 0.1, 1e-15);        // 5 / 50
    CHECK_CLOSE(learning_rate(s, 50), 0.05, 1e-15);      // 5 / 100
    CHECK_CLOSE(learning_rate(s, 950), 0.005, 1e-15);    // 5 / 1000
}

TEST_CASE(inv_scaling_is_eta0_over_t_plus_one_to_the_power) {
    const Schedule s = descend::InvScaling{0.5, 0.5};
    CHECK_CLOSE(learning_rate(s, 0), 0.5, 1e-15);        // 0.5 / 1
    CHECK_CLOSE(learning_rate(s, 3), 0.25, 1e-15);       // 0.5 / sqrt(4)
    CHECK_CLOSE(learning_rate(s, 99), 0.05, 1e-15);      // 0.5 / sqrt(100)
    // sklearn's default power 0.25: 0.01 / 16^0.25 = 0.005 at its t = 16, our t = 15.
    CHECK_CLOSE(learning_rate(descend::InvScaling{}, 15), 0.005, 1e-15);
}

TEST_CASE(step_decay_drops_every_step_size_steps) {
    const Schedule s = descend::StepDecay{0.8, 10, 0.5};
    CHECK_CLOSE(learning_rate(s, 0), 0.8, 1e-15);
    CHECK_CLOSE(learning_rate(s, 9), 0.8, 1e-15);
    CHECK_CLOSE(learning_rate(s, 10), 0.4, 1e-15);
    CHECK_CLOSE(learning_rate(s, 29), 0.2, 1e-15);
    CHECK_CLOSE(learning_rate(s, 30), 0.1, 1e-15);
}

TEST_CASE(exponential_multiplies_by_gamma_every_step) {
    const Schedule s = descend::Exponential{2.0, 0.5};
    CHECK_CLOSE(learning_rate(s, 0), 2.0, 1e-15);
    CHECK_CLOSE(learning_rate(s, 1), 1.0, 1e-15);
    CHECK_CLOSE(learning_rate(s, 3), 0.25, 1e-15);
}

TEST_CASE(cosine_anneals_to_eta_min_and_climbs_back) {
    const Schedule s = descend::Cosine{0.5, 100, 0.1};
    CHECK_CLOSE(learning_rate(s, 0), 0.5, 1e-15);
    CHECK_CLOSE(learning_rate(s, 50), 0.3, 1e-15);                                  // cos = 0
    CHECK_CLOSE(learning_rate(s, 25), 0.1 + 0.4 * (1.0 + std::sqrt(0.5)) / 2.0, 1e-15);
    CHECK_CLOSE(learning_rate(s, 100), 0.1, 1e-15);                                 // cos = -1
    CHECK_CLOSE(learning_rate(s, 150), 0.3, 1e-15);
    CHECK_CLOSE(learning_rate(s, 200), 0.5, 1e-15);
}

TEST_CASE(linear_warmup_ramps_then_starts_the_schedule_afresh) {
    const Schedule s = descend::LinearWarmup{descend::Schedule{descend::StepDecay{0.8, 10, 0.5}}, 4};
    CHECK_CLOSE(learning_rate(s, 0), 0.2, 1e-15);   // 0.8 * 1 / 4
    CHECK_CLOSE(learning_rate(s, 1), 0.4, 1e-15);
    CHECK_CLOSE(learning_rate(s, 3), 0.8, 1e-15);   // the last warm-up step reaches s(0)
    CHECK_CLOSE(learning_rate(s, 4), 0.8, 1e-15);   // s(0)
    CHECK_CLOSE(learning_rate(s, 13), 0.8, 1e-15);  // s(9)
    CHECK_CLOSE(learning_rate(s, 14), 0.4, 1e-15);  // s(10): the drop comes 4 steps late
    const Schedule none = descend::LinearWarmup{descend::Schedule{descend::Exponential{2.0, 0.5}}, 0};
    CHECK_CLOSE(learning_rate(none, 0), 2.0, 1e-15);
    CHECK_CLOSE(learning_rate(none, 2), 0.5, 1e-15);
}

// Constant base 1, factor 0.5, patience 2, threshold 0.1 (better = below 0.9 * best),
// cooldown 1, min_lr 0.2.
static descend::ReduceOnPlateau scripted_plateau() {
    descend::ReduceOnPlateau plateau{descend::Schedule{descend::Constant{1.0}}};
    plateau.factor = 0.5;
    plateau.patience = 2;
    plateau.threshold = 0.1;
    plateau.cooldown = 1;
    plateau.min_lr = 0.2;
    return plateau;
}

// epoch: loss -> best, bad epochs, what happens
//  1: 10   -> best 10, 0 (any loss beats best = inf)
//  2: 9.5  -> 9.5 >= 9: bad 1            3: 9.2 -> bad 2
//  4: 9.1  -> bad 3 > 2: scale 0.5, cooldown 1, bad 0
//  5: 8    -> 8 < 9: best 8, bad 0; cooldown counts down to 0
//  6, 7: 8 -> bad 1, 2                   8: 8 -> bad 3: scale 0.25, cooldown 1
//  9: 8    -> bad 1, but in cooldown: bad 0, cooldown 0
// 10, 11: 8 -> bad 1, 2                 12: 8 -> bad 3: scale 0.125, the rate stops at min_lr 0.2
static const std::vector<double> plateau_losses = {10, 9.5, 9.2, 9.1, 8, 8, 8, 8, 8, 8, 8, 8};
static const std::vector<double> plateau_rates = {1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2};

TEST_CASE(reduce_on_plateau_follows_a_scripted_loss_sequence) {
    Schedule s = scripted_plateau();
    CHECK(learning_rate(s, 0) == 1.0);
    for (std::size_t epoch = 0; epoch < plateau_losses.size(); ++epoch) {
        descend::schedule_epoch_end(s, plateau_losses[epoch]);
        CHECK_CLOSE(learning_rate(s, static_cast<std::int64_t>(epoch)), plateau_rates[epoch], 1e-15);
    }
    const auto& plateau = std::get<descend::ReduceOnPlateau>(s);
    CHECK(plateau.scale == 0.125);
    CHECK(plateau.best == 8.0);
    CHECK_EQ(plateau.num_bad_epochs, 0);
    CHECK_EQ(plateau.cooldown_counter, 1);
}

TEST_CASE(reduce_on_plateau_hears_its_losses_through_a_warmup) {
    // Wrapped in a 2-step warm-up: the same reductions, read after the ramp.
    Schedule s = descend::LinearWarmup{Schedule{scripted_plateau()}, 2};
    CHECK_CLOSE(learning_rate(s, 0), 0.5, 1e-15);
    for (std::size_t epoch = 0; epoch < plateau_losses.size(); ++epoch) {
        descend::schedule_epoch_end(s, plateau_losses[epoch]);
        CHECK_CLOSE(learning_rate(s, 2), plateau_rates[epoch], 1e-15);
    }
    // A copy is deep: ending an epoch in the copy leaves the original as it was.
    Schedule copy = s;
    descend::schedule_epoch_end(copy, 100.0);
    const auto& original = std::get<descend::LinearWarmup>(s).schedule.get();
    const auto& copied = std::get<descend::LinearWarmup>(copy).schedule.get();
    CHECK_EQ(std::get<descend::ReduceOnPlateau>(original).cooldown_counter, 1);
    CHECK_EQ(std::get<descend::ReduceOnPlateau>(copied).cooldown_counter, 0);
}

TEST_CASE(stateless_schedules_ignore_epoch_ends) {
    Schedule s = descend::Cosine{0.5, 100, 0.1};
    descend::schedule_epoch_end(s, 1.0);
    CHECK_CLOSE(learning_rate(s, 50), 0.3, 1e-15);
}

TEST_CASE(validate_names_the_impossible_parameter_even_when_wrapped) {
    descend::validate_schedule(scripted_plateau());
    CHECK_THROWS(descend::validate_schedule(descend::StepDecay{0.1, 0, 0.5}), std::invalid_argument);
    CHECK_THROWS(descend::validate_schedule(descend::Cosine{0.1, 0, 0.0}), std::invalid_argument);
    CHECK_THROWS(descend::validate_schedule(descend::InvScaling{0.0, 0.25}), std::invalid_argument);
    CHECK_THROWS(descend::validate_schedule(descend::Exponential{0.1, 1.5}), std::invalid_argument);
    const Schedule wrapped = descend::LinearWarmup{Schedule{descend::InverseTime{5.0, -1.0}}, 3};
    try {
        descend::validate_schedule(wrapped);
        CHECK(false);
    } catch (const std::invalid_argument& error) {
        CHECK(std::string(error.what()).find("t1") == 0);
    }
    descend::ReduceOnPlateau plateau = scripted_plateau();
    plateau.factor = 1.0;
    CHECK_THROWS(descend::validate_schedule(plateau), std::invalid_argument);
}
