#include "ledger/core/directory/calendar.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ledger/core/directory/fold.h"

namespace suiji::directory {
namespace {

// The schedules `suiji init` loads (ops/calendar/cn-workdays.tsv).
WorkCalendar Bundled() {
  std::ifstream in(SUIJI_TEST_VECTORS "/../../ops/calendar/cn-workdays.tsv");
  std::stringstream text;
  text << in.rdbuf();
  auto years = ParseScheduleTable(text.str());
  EXPECT_TRUE(years.ok()) << years.status().ToString();
  WorkCalendar c;
  if (years.ok()) {
    for (const auto& y : *years) c.Put(y);
  }
  return c;
}

TEST(Calendar, DateArithmetic) {
  EXPECT_EQ(DayNumber("1970-01-01"), 0);
  EXPECT_EQ(DateOfDay(DayNumber("2024-02-29") + 1), "2024-03-01");
  EXPECT_EQ(DateOfDay(DayNumber("2026-12-31") + 1), "2027-01-01");
  EXPECT_EQ(Weekday("2026-11-22"), 7);  // a Sunday
  EXPECT_EQ(Weekday("2025-10-01"), 3);  // a Wednesday
}

TEST(Calendar, BundledSchedulesCover2016To2026) {
  WorkCalendar c = Bundled();
  std::vector<uint16_t> years = c.Years();
  ASSERT_EQ(years.size(), 11u);
  EXPECT_EQ(years.front(), 2016);
  EXPECT_EQ(years.back(), 2026);
  const YearSchedule* y2026 = c.Schedule(2026);
  ASSERT_NE(y2026, nullptr);
  EXPECT_EQ(y2026->workdays, (std::vector<std::string>{"2026-01-04", "2026-02-14", "2026-02-28",
                                                       "2026-05-09", "2026-09-20", "2026-10-10"}));
  EXPECT_EQ(y2026->holidays.size(), 33u);  // 33 days off in 2026, per the notice
}

TEST(Calendar, DeadlinesAcrossNationalDayAndItsMakeUpDays) {
  WorkCalendar c = Bundled();
  // Inspected on Tuesday 30 September 2025: 1-8 October are off, so the 2-working-day
  // deadline for entering the result is Friday 10 October.
  EXPECT_EQ(*c.AddWorkingDays("2025-09-30", 2), "2025-10-10");
  // Sunday 28 September 2025 was a make-up working day.
  EXPECT_EQ(*c.AddWorkingDays("2025-09-26", 1), "2025-09-28");
  EXPECT_TRUE(*c.IsWorkingDay("2025-10-11"));   // Saturday, make-up day
  EXPECT_FALSE(*c.IsWorkingDay("2025-10-08"));  // Wednesday, holiday
  // 20 working days from 30 September 2026 (1-7 October off, Saturday 10 October worked).
  EXPECT_EQ(*c.AddWorkingDays("2026-09-30", 20), "2026-11-03");
  EXPECT_EQ(*c.WorkingDaysBetween("2025-09-30", "2025-10-10"), 2);
  EXPECT_EQ(*c.WorkingDaysBetween("2025-10-10", "2025-09-30"), 0);
}

TEST(Calendar, DeadlinesAcrossTheSpringFestival) {
  WorkCalendar c = Bundled();
  // Friday 13 February 2026: Saturday 14th is worked, 15th-23rd are off.
  EXPECT_EQ(*c.AddWorkingDays("2026-02-13", 1), "2026-02-14");
  EXPECT_EQ(*c.AddWorkingDays("2026-02-13", 2), "2026-02-24");
  // 2020's festival was extended to 2 February (Saturday 1 February no longer worked).
  EXPECT_FALSE(*c.IsWorkingDay("2020-02-01"));
  EXPECT_EQ(*c.AddWorkingDays("2020-01-23", 1), "2020-02-03");
}

TEST(Calendar, AYearWithoutAScheduleIsAnErrorNotAGuess) {
  WorkCalendar c = Bundled();
  auto r = c.AddWorkingDays("2026-12-30", 2);  // runs into 2027
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("2027"), std::string::npos);
  EXPECT_EQ(c.IsWorkingDay("2026-13-01").status().code(), StatusCode::kInvalidArgument);
}

TEST(Calendar, ValidationNamesTheBadDay) {
  YearSchedule s{2027, {"2027-01-01"}, {"元旦"}, {"2027-01-06"}, "test"};  // a Wednesday
  auto errs = ValidateSchedule(s);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "workdays");
  EXPECT_EQ(errs[0].value, "2027-01-06");
  s.workdays = {};
  s.holidays = {"2026-12-31"};  // not in 2027
  errs = ValidateSchedule(s);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "holidays");
  auto parsed = ParseScheduleTable("2027\t2027-01-01\tX\t元旦\n");
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("line 1"), std::string::npos);
}

TEST(Calendar, EventsFoldAndACorrectionReplacesTheYear) {
  KeyPair key = KeyPair::Generate();
  auto apply = [&](const YearSchedule& s, MemoryDirectory& dir, uint64_t seq) {
    EntryFields f;
    f.ledger_id = "cal.test";
    f.sequence = seq;
    f.type = EventType::CalendarPublished;
    const Bytes payload = EncodeSchedule(s);
    f.payload = payload;
    Bytes entry = BuildEntry(f, key);
    auto e = ParseEntry(entry);
    EXPECT_TRUE(e.ok());
    return ApplyDirectoryEvent(*e, dir);
  };
  MemoryDirectory dir;
  YearSchedule first{2027, {"2027-01-01"}, {"元旦"}, {}, "draft"};
  ASSERT_TRUE(apply(first, dir, 5).ok());
  EXPECT_FALSE(*dir.calendar.IsWorkingDay("2027-01-01"));
  EXPECT_TRUE(*dir.calendar.IsWorkingDay("2027-01-04"));
  YearSchedule corrected{2027, {"2027-01-04"}, {"更正"}, {}, "corrected"};
  ASSERT_TRUE(apply(corrected, dir, 6).ok());
  EXPECT_TRUE(*dir.calendar.IsWorkingDay("2027-01-01"));
  EXPECT_FALSE(*dir.calendar.IsWorkingDay("2027-01-04"));
  YearSchedule bad{2027, {"2027-01-01"}, {"元旦"}, {"2027-01-06"}, "bad"};
  EXPECT_EQ(apply(bad, dir, 7).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace suiji::directory
