// schedules/linear_warmup.hpp included alone (no other descend header before it) compiles and
// works: its ramp, through the struct and through the Schedule variant. (It once included the
// definitions of learning_rate before LinearWarmup was complete, which clang refuses.)
#include <descend/schedules/linear_warmup.hpp>

#include "check.hpp"

TEST_CASE(linear_warmup_alone_ramps_up_to_the_wrapped_rate) {
    const descend::LinearWarmup warmup{descend::Schedule{descend::Constant{0.4}}, 4};
    CHECK_CLOSE(warmup(0), 0.1, 1e-15);  // 0.4 * 1 / 4
    CHECK_CLOSE(warmup(3), 0.4, 1e-15);
    CHECK(warmup(10) == 0.4);
    descend::Schedule schedule = warmup;
    descend::validate_schedule(schedule);
    descend::schedule_epoch_end(schedule, 1.0);
    CHECK_CLOSE(descend::learning_rate(schedule, 1), 0.2, 1e-15);
}
