#pragma once
// Reads a result file (DESIGN.md §4) for tests, `paddymrv report` and
// export: datasets, string tables, attributes and map windows, converted by
// HDF5 to the type asked for. Anything missing or of the wrong kind throws
// InputError "<file>: <object>: ...".
//
// Threading: one thread at a time (HDF5 is not thread-safe), even through
// the const methods.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/hdf5_handle.hpp"
#include "pipeline/result_writer.hpp"  // MapWindow

namespace paddymrv {

class ResultReader {
 public:
  // Opens read-only; InputError naming the file if it is missing or not HDF5.
  explicit ResultReader(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }

  // True if every group along `path` and the object itself exist ("/" does).
  bool exists(const std::string& path) const;
  bool has_attribute(const std::string& object_path, const std::string& name) const;
  // Shape of a dataset; empty for a scalar.
  std::vector<hsize_t> dims(const std::string& path) const;

  // Whole numeric dataset, row-major, converted to T by HDF5 (values out of
  // T's range are clipped by the conversion, not reported).
  template <h5::Number T>
  std::vector<T> read(const std::string& path) const {
    std::vector<T> out(element_count(path));
    read_numbers(path, h5::native_type<T>(), nullptr, out.data());
    return out;
  }
  // Row-major w.height × w.width window of a 2-D numeric dataset.
  template <h5::Number T>
  std::vector<T> read_window(const std::string& path, const MapWindow& w) const {
    std::vector<T> out(window_count(w));
    read_numbers(path, h5::native_type<T>(), &w, out.data());
    return out;
  }

  // String dataset (variable- or fixed-length), byte-exact.
  std::vector<std::string> read_strings(const std::string& path) const;
  // Compound dataset of string fields: rows of cells in column order; the
  // column names go to *columns if given.
  std::vector<std::vector<std::string>> read_string_table(
      const std::string& path, std::vector<std::string>* columns = nullptr) const;

  // Attributes on "/" or any object.
  std::string attribute_string(const std::string& object_path, const std::string& name) const;
  std::vector<std::string> attribute_strings(const std::string& object_path,
                                             const std::string& name) const;
  double attribute_double(const std::string& object_path, const std::string& name) const;
  int64_t attribute_int64(const std::string& object_path, const std::string& name) const;
  std::vector<double> attribute_doubles(const std::string& object_path,
                                        const std::string& name) const;

 private:
  size_t element_count(const std::string& path) const;
  static size_t window_count(const MapWindow& w);
  void read_numbers(const std::string& path, hid_t mem_type, const MapWindow* window,
                    void* out) const;
  h5::Dataset open_dataset(const std::string& path) const;
  h5::Attribute open_attribute(const std::string& object_path, const std::string& name) const;

  std::filesystem::path path_;
  h5::File file_;
};

}  // namespace paddymrv
