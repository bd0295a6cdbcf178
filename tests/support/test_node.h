// Test support: the start most node tests share — a fresh directory named after the running
// test, and the province and city org units the directories hang from.
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "api/directory_service.h"

namespace suiji::testing_support {

// <temp>/<prefix>-<pid>-<test name>, removed first, so every test starts from nothing.
inline std::filesystem::path FreshTestDir(std::string_view prefix) {
  const auto dir = std::filesystem::temp_directory_path() /
                   (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  return dir;
}

// The province 320000 (江苏省人社厅) and the city 320400 (常州市人社局) under it.
inline Status RegisterProvinceAndCity(DirectoryService& dirs, const Actor& actor) {
  using directory::OrgLevel;
  SUIJI_RETURN_IF_ERROR(dirs.RegisterOrg({"320000", "江苏省人社厅", "320000", OrgLevel::Province, ""}, actor).status());
  return dirs.RegisterOrg({"320400", "常州市人社局", "320400", OrgLevel::City, "320000"}, actor).status();
}

}  // namespace suiji::testing_support
