#include "ledger/core/directory/calendar.h"

#include <algorithm>
#include <cstdio>

#include "ledger/core/flatbuffers_util.h"

namespace suiji::directory {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

uint16_t YearOf(std::string_view date) {
  return static_cast<uint16_t>((date[0] - '0') * 1000 + (date[1] - '0') * 100 +
                               (date[2] - '0') * 10 + (date[3] - '0'));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

}  // namespace

int64_t DayNumber(std::string_view date) {
  auto num = [&](size_t at, size_t n) {
    unsigned v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 10 + static_cast<unsigned>(date[at + i] - '0');
    return v;
  };
  return DaysFromCivil(num(0, 4), num(5, 2), num(8, 2));
}

std::string DateOfDay(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

int Weekday(std::string_view date) {
  // 1970-01-01 was a Thursday (ISO 4).
  const int64_t z = DayNumber(date);
  return static_cast<int>(((z % 7) + 7 + 3) % 7) + 1;
}

std::vector<FieldError> ValidateSchedule(const YearSchedule& s) {
  std::vector<FieldError> errs;
  if (s.year < 2000 || s.year > 2100) {
    errs.push_back({"year", std::to_string(s.year), "年份应在2000至2100之间 (year out of range)"});
    return errs;
  }
  if (s.holiday_names.size() != s.holidays.size()) {
    errs.push_back({"holiday_names", std::to_string(s.holiday_names.size()),
                    "节日名称与日期数量不符 (one name per holiday date)"});
  }
  CheckText(errs, "source", s.source, true);
  auto check_dates = [&](const char* field, const std::vector<std::string>& dates) {
    for (size_t i = 0; i < dates.size(); ++i) {
      const std::string& d = dates[i];
      if (!ValidDate(d) || YearOf(d) != s.year) {
        errs.push_back({field, d, "日期无效或不在该年度 (not a valid date of this year)"});
      } else if (i > 0 && dates[i - 1] >= d) {
        errs.push_back({field, d, "日期应递增且不重复 (dates must be ascending, no repeats)"});
      }
    }
  };
  check_dates("holidays", s.holidays);
  check_dates("workdays", s.workdays);
  for (const auto& w : s.workdays) {
    if (!ValidDate(w)) continue;
    if (Weekday(w) < 6) {
      errs.push_back({"workdays", w, "调休上班日应为周六或周日 (a make-up working day is a weekend day)"});
    }
    if (std::binary_search(s.holidays.begin(), s.holidays.end(), w)) {
      errs.push_back({"workdays", w, "同一天不能既放假又上班 (both a holiday and a working day)"});
    }
  }
  return errs;
}

Bytes EncodeSchedule(const YearSchedule& s) {
  flatbuffers::FlatBufferBuilder fbb(1024);
  auto h = fbb.CreateVectorOfStrings(s.holidays);
  auto n = fbb.CreateVectorOfStrings(s.holiday_names);
  auto w = fbb.CreateVectorOfStrings(s.workdays);
  auto src = fbb.CreateString(s.source);
  return fb::Finish(fbb, schema::CreateCalendar(fbb, s.year, h, n, w, src));
}

StatusOr<YearSchedule> DecodeSchedule(ByteView b) {
  const auto* c = fb::Verified<schema::Calendar>(b);
  if (c == nullptr) return DataLoss("Calendar payload is malformed");
  if (c->year() == 0) return DataLoss("Calendar payload lacks year");
  return YearSchedule{c->year(), fb::Strs(c->holidays()), fb::Strs(c->holiday_names()),
                      fb::Strs(c->workdays()), fb::Str(c->source())};
}

StatusOr<std::vector<YearSchedule>> ParseScheduleTable(std::string_view text) {
  std::map<uint16_t, YearSchedule> years;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    auto fields = SplitTabs(line);
    auto bad = [&](const std::string& why) {
      return InvalidArgument("calendar line " + std::to_string(line_no) + ": " + why + ": " +
                             std::string(line));
    };
    if (fields.size() != 4 || fields[0].size() != 4 ||
        fields[0].find_first_not_of("0123456789") != std::string_view::npos) {
      return bad("expected year, date, kind and name separated by tabs");
    }
    const uint16_t year = YearOf(fields[0]);
    YearSchedule& s = years[year];
    s.year = year;
    if (fields[1] == "source") {
      s.source = std::string(fields[3]);
    } else if (!ValidDate(fields[1]) || YearOf(fields[1]) != year) {
      return bad("not a date of " + std::string(fields[0]));
    } else if (fields[2] == "休") {
      s.holidays.emplace_back(fields[1]);
      s.holiday_names.emplace_back(fields[3]);
    } else if (fields[2] == "班") {
      s.workdays.emplace_back(fields[1]);
    } else {
      return bad("kind must be 休 (holiday) or 班 (make-up working day)");
    }
  }
  std::vector<YearSchedule> out;
  for (auto& entry : years) {
    const YearSchedule& s = entry.second;  // (a named reference: clang 14 cannot capture a binding)
    // Holidays in date order with their names; workdays in order.
    std::vector<size_t> idx(s.holidays.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return s.holidays[a] < s.holidays[b]; });
    YearSchedule sorted = s;
    for (size_t i = 0; i < idx.size(); ++i) {
      sorted.holidays[i] = s.holidays[idx[i]];
      sorted.holiday_names[i] = s.holiday_names[idx[i]];
    }
    std::sort(sorted.workdays.begin(), sorted.workdays.end());
    auto errs = ValidateSchedule(sorted);
    if (!errs.empty()) {
      return InvalidArgument("calendar " + std::to_string(entry.first) + ": " + errs[0].field + " " +
                             errs[0].value + ": " + errs[0].reason);
    }
    out.push_back(std::move(sorted));
  }
  return out;
}

void WorkCalendar::Put(const YearSchedule& s) {
  auto old = years_.find(s.year);
  if (old != years_.end()) {  // a correction replaces the year
    for (const auto& d : old->second.holidays) holidays_.erase(DayNumber(d));
    for (const auto& d : old->second.workdays) workdays_.erase(DayNumber(d));
  }
  for (const auto& d : s.holidays) holidays_.insert(DayNumber(d));
  for (const auto& d : s.workdays) workdays_.insert(DayNumber(d));
  years_[s.year] = s;
}

std::vector<uint16_t> WorkCalendar::Years() const {
  std::vector<uint16_t> out;
  for (const auto& [y, s] : years_) out.push_back(y);
  return out;
}

const YearSchedule* WorkCalendar::Schedule(uint16_t year) const {
  auto it = years_.find(year);
  return it == years_.end() ? nullptr : &it->second;
}

StatusOr<bool> WorkCalendar::IsWorkingDay(std::string_view date) const {
  if (!ValidDate(date)) return InvalidArgument("not a date: " + std::string(date));
  const uint16_t year = YearOf(date);
  if (!Knows(year)) {
    return FailedPrecondition("no holiday schedule published for " + std::to_string(year) +
                              " (load the State Council's notice with `suiji calendar load`)");
  }
  const int64_t z = DayNumber(date);
  if (workdays_.count(z) > 0) return true;
  if (holidays_.count(z) > 0) return false;
  return Weekday(date) <= 5;
}

StatusOr<std::string> WorkCalendar::AddWorkingDays(std::string_view date, int n) const {
  if (!ValidDate(date)) return InvalidArgument("not a date: " + std::string(date));
  if (n < 1 || n > 3660) return InvalidArgument("working days must be 1..3660");
  int64_t z = DayNumber(date);
  for (int found = 0; found < n;) {
    ++z;
    SUIJI_ASSIGN_OR_RETURN(bool working, IsWorkingDay(DateOfDay(z)));
    if (working) ++found;
  }
  return DateOfDay(z);
}

StatusOr<int> WorkCalendar::WorkingDaysBetween(std::string_view from, std::string_view to) const {
  if (!ValidDate(from) || !ValidDate(to)) return InvalidArgument("not a date");
  int count = 0;
  for (int64_t z = DayNumber(from) + 1, end = DayNumber(to); z <= end; ++z) {
    SUIJI_ASSIGN_OR_RETURN(bool working, IsWorkingDay(DateOfDay(z)));
    if (working) ++count;
  }
  return count;
}

}  // namespace suiji::directory
