// descend: fast first-order optimization. The umbrella header: include this one.
#pragma once

#include "version.hpp"
#include "view.hpp"
#include "random.hpp"
#include "schedules.hpp"
#include "objectives/least_squares.hpp"
#include "optimizers/optimizer.hpp"
#include "solver.hpp"
#include "objectives/landscapes.hpp"
#include "minimize.hpp"
