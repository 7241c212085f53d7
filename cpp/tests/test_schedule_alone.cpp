// schedules/schedule.hpp (the Schedule type) included alone compiles and gives every operation
// on a Schedule, the wrappers' included.
#include <descend/schedules/schedule.hpp>

#include "check.hpp"

TEST_CASE(schedule_alone_evaluates_every_kind_of_schedule) {
    descend::Schedule schedule = descend::StepDecay{0.8, 10, 0.5};
    descend::validate_schedule(schedule);
    CHECK_CLOSE(descend::learning_rate(schedule, 10), 0.4, 1e-15);
    schedule = descend::ReduceOnPlateau{descend::Schedule{
        descend::LinearWarmup{descend::Schedule{descend::Constant{0.6}}, 3}}};
    descend::schedule_epoch_end(schedule, 1.0);
    CHECK_CLOSE(descend::learning_rate(schedule, 0), 0.2, 1e-15);
    CHECK(descend::learning_rate(schedule, 3) == 0.6);
}
