#pragma once
// Writes the HDF5 result file of DESIGN.md §4 under a temporary name and
// renames it into place on commit(), so a crash or an error never leaves a
// half-written result at the final path (and never touches an older one).
//
// Threading: call every method from ONE thread. HDF5 serialises the whole
// library and is not thread-safe in the Debian build; the block engine feeds
// the writer from its serial output stage.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "pipeline/hdf5_handle.hpp"

namespace paddymrv {

// A pixel window of a map: columns x0..x0+width-1, rows y0..y0+height-1.
struct MapWindow {
  int x0, y0, width, height;
};

// The element types a map may have.
template <class T>
concept MapValue = std::same_as<T, uint8_t> || std::same_as<T, uint16_t> ||
                   std::same_as<T, int32_t> || std::same_as<T, float> ||
                   std::same_as<T, double>;

// Deletes the "<final_path>.tmp-<pid>" files that runs killed before commit()
// (kill -9, power cut) left next to final_path, and returns their paths.
// Call it only while holding the output's RunLock: every writer of
// final_path holds that lock, so no living process still writes them.
std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& final_path);

class ResultWriter {
 public:
  // Creates "<final_path>.tmp-<pid>" next to final_path (same directory, so
  // the rename in commit() is atomic). Maps are [height, width], chunked
  // chunk×chunk (clipped to the map), shuffled and deflated at deflate_level
  // (0 = uncompressed, at most 9). Throws Error naming the file when the
  // directory is missing or unwritable.
  ResultWriter(std::filesystem::path final_path, int height, int width, int chunk = 256,
               int deflate_level = 4);
  // Without commit(): closes and deletes the temporary file; final_path is
  // left as it was.
  ~ResultWriter();
  ResultWriter(const ResultWriter&) = delete;
  ResultWriter& operator=(const ResultWriter&) = delete;

  // A [height, width] map at `path` (intermediate groups are created), every
  // pixel `fill_value` until written, with attributes "description" and
  // "_FillValue" (of type T, as netCDF/GDAL expect).
  template <MapValue T>
  void create_map(const std::string& path, T fill_value, const std::string& description) {
    create_map_of(path, h5::native_type<T>(), h5::file_type<T>(), &fill_value, description);
  }
  // Writes a row-major w.height × w.width block into a map made by
  // create_map. Any order works; windows aligned to the chunk grid are
  // cheapest (no chunk is compressed twice).
  template <MapValue T>
  void write_map_window(const std::string& path, const MapWindow& w, const T* data) {
    write_map_window_of(path, w, h5::native_type<T>(), data);
  }

  // Small arrays (tables per commune, claim evidence), stored contiguously.
  // dims has rank >= 1 and values.size() equals the product of dims.
  template <h5::Number T>
  void write_array(const std::string& path, const std::vector<hsize_t>& dims,
                   const std::vector<T>& values) {
    write_array_of(path, dims, h5::native_type<T>(), h5::file_type<T>(), values.data(),
                   values.size());
  }
  void write_f64(const std::string& path, const std::vector<hsize_t>& dims,
                 const std::vector<double>& values) { write_array(path, dims, values); }
  void write_i64(const std::string& path, const std::vector<hsize_t>& dims,
                 const std::vector<int64_t>& values) { write_array(path, dims, values); }
  void write_i32(const std::string& path, const std::vector<hsize_t>& dims,
                 const std::vector<int32_t>& values) { write_array(path, dims, values); }
  void write_u16(const std::string& path, const std::vector<hsize_t>& dims,
                 const std::vector<uint16_t>& values) { write_array(path, dims, values); }
  void write_u8(const std::string& path, const std::vector<hsize_t>& dims,
                const std::vector<uint8_t>& values) { write_array(path, dims, values); }

  // 1-D variable-length UTF-8 strings.
  void write_strings(const std::string& path, const std::vector<std::string>& values);

  // A table: 1-D compound dataset whose fields, named by `columns`, are all
  // variable-length UTF-8 strings (e.g. /provenance/scenes). Every row has
  // one value per column.
  void write_string_table(const std::string& path, const std::vector<std::string>& columns,
                          const std::vector<std::vector<std::string>>& rows);

  // Attributes on "/" or any existing group or dataset; an attribute of the
  // same name is replaced. Strings are UTF-8.
  void set_attribute(const std::string& object_path, const std::string& name,
                     const std::string& value);
  void set_attribute(const std::string& object_path, const std::string& name, const char* value) {
    set_attribute(object_path, name, std::string(value));
  }
  void set_attribute(const std::string& object_path, const std::string& name, double value);
  void set_attribute(const std::string& object_path, const std::string& name, int64_t value);
  // Any other integer (e.g. a literal 1) is stored as int64, not as double.
  template <std::integral I>
    requires(!std::same_as<I, bool> && !std::same_as<I, int64_t>)
  void set_attribute(const std::string& object_path, const std::string& name, I value) {
    set_attribute(object_path, name, static_cast<int64_t>(value));
  }
  void set_attribute(const std::string& object_path, const std::string& name,
                     const std::vector<double>& value);
  void set_attribute(const std::string& object_path, const std::string& name,
                     const std::vector<std::string>& value);

  // Flushes and closes everything, fsyncs the file, renames it onto
  // final_path (atomically replacing an older result) and fsyncs the
  // directory. Nothing may be written afterwards.
  void commit();

  const std::filesystem::path& temporary_path() const { return tmp_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }

 private:
  void create_map_of(const std::string& path, hid_t mem_type, hid_t file_type,
                     const void* fill_value, const std::string& description);
  void write_map_window_of(const std::string& path, const MapWindow& w, hid_t mem_type,
                           const void* data);
  void write_array_of(const std::string& path, const std::vector<hsize_t>& dims, hid_t mem_type,
                      hid_t file_type, const void* data, size_t count);
  void write_attribute(const std::string& object_path, const std::string& name, hid_t mem_type,
                       hid_t file_type, const std::vector<hsize_t>* dims, const void* data);
  h5::Dataset create_dataset(const std::string& path, hid_t file_type, hid_t space, hid_t dcpl,
                             hid_t dapl = H5P_DEFAULT);
  void require_open(const char* what) const;
  void discard() noexcept;

  std::filesystem::path final_path_;
  std::filesystem::path tmp_path_;
  int height_, width_, chunk_, deflate_level_;
  h5::File file_;
  std::map<std::string, h5::Dataset> maps_;  // kept open: a map is written window by window
  bool committed_ = false;
};

}  // namespace paddymrv
