// The official holiday schedules shipped with Suiji (ops/calendar/cn-workdays.tsv, compiled
// in), in the format directory::ParseScheduleTable reads.
#pragma once

#include <string_view>

namespace suiji {

std::string_view BundledCalendarTable();

}  // namespace suiji
