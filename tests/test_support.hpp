#pragma once
// Shared helpers for the test suite: fixtures folder, temp dirs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace paddymrv::test {

// Path of a file of the shared real-data fixtures ("" when not found).
inline std::string shared_data(const std::string& name) {
  const std::string dir = PADDYMRV_SHARED_DATA;
  return dir.empty() ? std::string() : dir + "/" + name;
}

// A fresh directory under the system temp folder, unique per process and tag.
inline std::filesystem::path fresh_dir(const std::string& tag) {
  const auto d = std::filesystem::temp_directory_path() / ("paddymrv_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace paddymrv::test

// Skips the test when the shared fixtures are not on this machine.
#define REQUIRE_SHARED_DATA()                                                         \
  do {                                                                                \
    if (std::string(PADDYMRV_SHARED_DATA).empty()) GTEST_SKIP() << "no shared data";  \
  } while (0)
