// What a freeze of a task record would find now, for a task that need not be in the store
// (a task not defined yet): the eligible populations, conflicts and previous teams, computed
// by the function the freeze itself uses (draw::FreezeInputs calls it; state.cc), so an
// estimate (POST /api/v1/tasks/estimate, api/http/routes_planner.cc) is exactly what a freeze
// of that task at this position records. `plan_year` is the year of the task's plan.
#pragma once

#include "ledger/core/draw/state.h"

namespace suiji::draw {

FrozenInputs FreezeInputsFor(const DrawStore& store, const TaskRecord& task, uint16_t plan_year,
                             ExclusionCounts* excluded = nullptr);

}  // namespace suiji::draw
