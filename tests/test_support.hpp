#pragma once
// Shared helpers for the test suite: fixtures folder, temp dirs, CRS text.
#include <cpl_conv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>
#include <string>

namespace paddymrv::test {

// Path of a file of the shared real-data fixtures ("" when not found).
inline std::string shared_data(const std::string& name) {
  const std::string dir = PADDYMRV_SHARED_DATA;
  return dir.empty() ? std::string() : dir + "/" + name;
}

// Directories made by fresh_dir(), removed when the test process ends
// (kept when PADDYMRV_KEEP_TEST_OUTPUT is set, for debugging).
struct TempDirs {
  std::vector<std::filesystem::path> dirs;
  ~TempDirs() {
    if (std::getenv("PADDYMRV_KEEP_TEST_OUTPUT")) return;
    std::error_code ec;
    for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
  }
};
inline TempDirs& temp_dirs() {
  static TempDirs t;
  return t;
}

// A fresh directory under the system temp folder, unique per process and tag.
inline std::filesystem::path fresh_dir(const std::string& tag) {
  const auto d = std::filesystem::temp_directory_path() / ("paddymrv_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  temp_dirs().dirs.push_back(d);
  return d;
}

// WKT of an EPSG code, for test rasters and grids.
inline std::string wkt_of(int epsg) {
  OGRSpatialReference s;
  s.importFromEPSG(epsg);
  char* w = nullptr;
  s.exportToWkt(&w);
  std::string out = w;
  CPLFree(w);
  return out;
}

}  // namespace paddymrv::test

// Skips the test when the shared fixtures are not on this machine.
#define REQUIRE_SHARED_DATA()                                                         \
  do {                                                                                \
    if (std::string(PADDYMRV_SHARED_DATA).empty()) GTEST_SKIP() << "no shared data";  \
  } while (0)
