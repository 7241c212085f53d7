// descend: fast first-order optimization. The umbrella header: include this one.
#pragma once

#include "version.hpp"
#include "view.hpp"
#include "random.hpp"
#include "schedules.hpp"
#include "clipping.hpp"
#include "objectives/least_squares.hpp"
#include "objectives/huber.hpp"
#include "objectives/logistic.hpp"
#include "objectives/softmax.hpp"
#include "objectives/penalties.hpp"
#include "optimizers/optimizer.hpp"
#include "solver.hpp"
#include "fit.hpp"
#include "objectives/landscapes.hpp"
#include "minimize.hpp"
