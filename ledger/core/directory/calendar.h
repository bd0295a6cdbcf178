// The working-day calendar (R18): official public holidays and make-up working days (调休)
// per year, as ledger data (CalendarPublished events), and working-day arithmetic on it.
// Every deadline ("within 2 working days", "within 20 working days") is computed here, by
// the node and by the verifier alike.
//
// Pure: no I/O. WorkCalendar is a value; not thread-safe for concurrent Put.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/core/directory/records.h"

namespace suiji::directory {

struct YearSchedule {
  uint16_t year = 0;
  std::vector<std::string> holidays;       // "YYYY-MM-DD", ascending
  std::vector<std::string> holiday_names;  // parallel to holidays
  std::vector<std::string> workdays;       // make-up working days, ascending
  std::string source;                      // the notice it comes from
  bool operator==(const YearSchedule&) const = default;
};

// Dates within the year, valid, no duplicates, no day both a holiday and a workday, every
// make-up working day a Saturday or Sunday, names parallel to holidays.
std::vector<FieldError> ValidateSchedule(const YearSchedule& s);
Bytes EncodeSchedule(const YearSchedule& s);
StatusOr<YearSchedule> DecodeSchedule(ByteView b);

// Parses ops/calendar/cn-workdays.tsv (year, date, kind 休/班, name; "source" lines; '#'
// comments). kInvalidArgument naming the line for anything else.
StatusOr<std::vector<YearSchedule>> ParseScheduleTable(std::string_view text);

// Days since 1970-01-01 for a valid "YYYY-MM-DD", and back; ISO weekday (1 = Monday).
int64_t DayNumber(std::string_view date);
std::string DateOfDay(int64_t day);
int Weekday(std::string_view date);

class WorkCalendar {
 public:
  void Put(const YearSchedule& s);
  bool Knows(uint16_t year) const { return years_.count(year) > 0; }
  std::vector<uint16_t> Years() const;
  const YearSchedule* Schedule(uint16_t year) const;

  // kFailedPrecondition if the date's year has no published schedule (a deadline computed
  // without it could silently be wrong), kInvalidArgument for a malformed date.
  StatusOr<bool> IsWorkingDay(std::string_view date) const;
  // The n-th working day after `date` (n >= 1; `date` itself does not count): the deadline
  // "within n working days of date".
  StatusOr<std::string> AddWorkingDays(std::string_view date, int n) const;
  // Working days in (from, to]; 0 if to <= from. How late something is.
  StatusOr<int> WorkingDaysBetween(std::string_view from, std::string_view to) const;

 private:
  std::map<uint16_t, YearSchedule> years_;
  std::set<int64_t> holidays_;
  std::set<int64_t> workdays_;
};

}  // namespace suiji::directory
