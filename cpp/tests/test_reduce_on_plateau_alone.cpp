// schedules/reduce_on_plateau.hpp included alone (no other descend header before it) compiles
// and works: a reduction after a bad epoch, through the struct and through the Schedule
// variant. (It once included the definitions of learning_rate before LinearWarmup was
// complete, which clang refuses.)
#include <descend/schedules/reduce_on_plateau.hpp>

#include "check.hpp"

TEST_CASE(reduce_on_plateau_alone_cuts_the_rate_after_a_bad_epoch) {
    descend::ReduceOnPlateau plateau{descend::Schedule{descend::Constant{1.0}}};
    plateau.patience = 0;
    plateau.factor = 0.5;
    CHECK(plateau(0) == 1.0);
    descend::Schedule schedule = plateau;
    descend::validate_schedule(schedule);
    descend::schedule_epoch_end(schedule, 2.0);  // the first loss improves on infinity
    CHECK(descend::learning_rate(schedule, 5) == 1.0);
    descend::schedule_epoch_end(schedule, 2.0);  // no improvement: cut at once (patience 0)
    CHECK(descend::learning_rate(schedule, 6) == 0.5);
}
