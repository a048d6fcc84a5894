#pragma once
// Comparing two result files dataset by dataset, bit for bit: what "same
// result" means for the fault, determinism and cache tests (everything but
// the creation time, which lives in attributes).
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/result_reader.hpp"

namespace paddymrv::test {

// Every dataset of a result under one of `groups` ("/maps", …; empty = all),
// by path, with its value class, in name order.
inline std::vector<std::pair<std::string, H5T_class_t>> result_datasets(const std::filesystem::path& file,
                                                                        const std::vector<std::string>& groups = {}) {
  std::vector<std::pair<std::string, H5T_class_t>> all;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0) << file;
  if (f < 0) return all;
  H5Ovisit(
      f, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t obj, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        const hid_t d = H5Dopen2(obj, name, H5P_DEFAULT);
        const hid_t t = H5Dget_type(d);
        static_cast<std::vector<std::pair<std::string, H5T_class_t>>*>(data)->emplace_back(std::string("/") + name,
                                                                                           H5Tget_class(t));
        H5Tclose(t);
        H5Dclose(d);
        return 0;
      },
      &all);
  H5Fclose(f);
  if (groups.empty()) return all;
  std::vector<std::pair<std::string, H5T_class_t>> out;
  for (const auto& d : all)
    for (const auto& g : groups)
      if (d.first.rfind(g + "/", 0) == 0) out.push_back(d);
  return out;
}

// The same datasets with the same values, bit for bit (NaN equals NaN);
// at least `min_datasets` of them, so that comparing two empty files fails.
inline void expect_same_datasets(const std::filesystem::path& a, const std::filesystem::path& b,
                                 const std::vector<std::string>& groups, std::size_t min_datasets) {
  const auto da = result_datasets(a, groups), db = result_datasets(b, groups);
  ASSERT_EQ(da, db);
  ASSERT_GT(da.size(), min_datasets);
  const ResultReader ra(a), rb(b);
  for (const auto& [path, kind] : da) {
    if (kind == H5T_STRING) {
      EXPECT_EQ(ra.read_strings(path), rb.read_strings(path)) << path;
    } else if (kind == H5T_COMPOUND) {
      EXPECT_EQ(ra.read_string_table(path), rb.read_string_table(path)) << path;
    } else {
      const auto va = ra.read<double>(path), vb = rb.read<double>(path);
      ASSERT_EQ(va.size(), vb.size()) << path;
      EXPECT_EQ(std::memcmp(va.data(), vb.data(), va.size() * sizeof(double)), 0) << path;
    }
  }
}

}  // namespace paddymrv::test
