#include "pipeline/result_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "pipeline/fault_point.hpp"

namespace paddymrv {
namespace {

// The type of every string we write: variable length, UTF-8 (Vietnamese
// commune names), so h5py and netCDF readers return text, not bytes.
h5::Datatype utf8_string_type(const std::filesystem::path& file) {
  h5::Datatype type(h5::check(H5Tcopy(H5T_C_S1), file, "", "copy the string type"));
  h5::check(H5Tset_size(type.get(), H5T_VARIABLE), file, "", "make a variable-length string type");
  h5::check(H5Tset_cset(type.get(), H5T_CSET_UTF8), file, "", "make a UTF-8 string type");
  return type;
}

std::vector<const char*> c_strings(const std::vector<std::string>& values) {
  std::vector<const char*> out;
  out.reserve(values.size());
  for (const auto& v : values) out.push_back(v.c_str());
  return out;
}

std::string errno_text(int err) { return std::generic_category().message(err); }

// fsync(2) on a file or directory; returns errno, 0 on success.
int fsync_path(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return errno;
  int err = ::fsync(fd) == 0 ? 0 : errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  return err;
}

std::string window_text(const MapWindow& w) {
  return "window x0=" + std::to_string(w.x0) + " y0=" + std::to_string(w.y0) + " " +
         std::to_string(w.width) + "x" + std::to_string(w.height);
}

}  // namespace

ResultWriter::ResultWriter(std::filesystem::path final_path, int height, int width, int chunk,
                           int deflate_level)
    : final_path_(std::move(final_path)),
      height_(height),
      width_(width),
      chunk_(chunk),
      deflate_level_(deflate_level) {
  const std::string name = final_path_.string();
  if (height <= 0 || width <= 0 || chunk <= 0 || deflate_level < 0 || deflate_level > 9) {
    throw Error(name + ": invalid map geometry or compression (height " + std::to_string(height) +
                ", width " + std::to_string(width) + ", chunk " + std::to_string(chunk) +
                ", deflate level " + std::to_string(deflate_level) + ")");
  }
  if (!final_path_.has_filename()) throw Error(name + ": result path names no file");
  std::error_code ec;
  if (std::filesystem::is_directory(final_path_, ec)) {
    throw Error(name + ": result path is a directory");
  }
  tmp_path_ = final_path_;
  tmp_path_ += ".tmp-" + std::to_string(::getpid());

  h5::silence_error_printing();
  if (deflate_level_ > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) {
    throw Error(name + ": this HDF5 library has no deflate filter");
  }
  h5::PropList fapl(h5::check(H5Pcreate(H5P_FILE_ACCESS), final_path_, "", "create properties"));
  // SEMI: closing the file fails while any object is still open, instead of
  // silently keeping the file open (and unflushed) behind our back.
  h5::check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI), final_path_, "",
            "set file close degree");
  // Lock, but do not fail on file systems where locking is disabled (some NFS
  // mounts): the temporary name already keeps other processes away.
  h5::check(H5Pset_file_locking(fapl.get(), 1, 1), final_path_, "", "set file locking");
  file_ = h5::File(h5::check(H5Fcreate(tmp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                             final_path_, "", "create temporary file " + tmp_path_.string()));
}

ResultWriter::~ResultWriter() { discard(); }

void ResultWriter::discard() noexcept {
  maps_.clear();
  file_.reset();
  if (!committed_ && !tmp_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(tmp_path_, ec);
  }
}

void ResultWriter::require_open(const char* what) const {
  if (!file_.valid() || committed_) {
    throw Error(final_path_.string() + ": cannot " + what +
                ": the result file is already committed or was abandoned after an error");
  }
}

h5::Dataset ResultWriter::create_dataset(const std::string& path, hid_t file_type, hid_t space,
                                         hid_t dcpl, hid_t dapl) {
  h5::PropList lcpl(h5::check(H5Pcreate(H5P_LINK_CREATE), final_path_, path, "create properties"));
  h5::check(H5Pset_create_intermediate_group(lcpl.get(), 1), final_path_, path,
            "set intermediate group creation");
  h5::check(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), final_path_, path,
            "set link name encoding");
  return h5::Dataset(h5::check(H5Dcreate2(file_.get(), path.c_str(), file_type, space, lcpl.get(),
                                          dcpl, dapl),
                               final_path_, path, "create dataset"));
}

void ResultWriter::create_map_of(const std::string& path, hid_t mem_type, hid_t file_type,
                                 const void* fill_value, const std::string& description) {
  require_open("create a map");
  if (maps_.count(path) != 0) throw Error(final_path_.string() + ": " + path + ": map already exists");
  const auto& f = final_path_;
  const hsize_t dims[2] = {static_cast<hsize_t>(height_), static_cast<hsize_t>(width_)};
  const hsize_t chunk[2] = {static_cast<hsize_t>(std::min(chunk_, height_)),
                            static_cast<hsize_t>(std::min(chunk_, width_))};
  h5::Dataspace space(h5::check(H5Screate_simple(2, dims, nullptr), f, path, "create dataspace"));
  h5::PropList dcpl(h5::check(H5Pcreate(H5P_DATASET_CREATE), f, path, "create properties"));
  h5::check(H5Pset_chunk(dcpl.get(), 2, chunk), f, path, "set chunking");
  if (deflate_level_ > 0) {
    // Shuffle first: grouping the bytes of multi-byte values by significance
    // lets deflate find the long runs of equal high bytes in our maps.
    h5::check(H5Pset_shuffle(dcpl.get()), f, path, "set shuffle filter");
    h5::check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(deflate_level_)), f, path,
              "set deflate filter");
  }
  h5::check(H5Pset_fill_value(dcpl.get(), mem_type, fill_value), f, path, "set fill value");

  // Chunk cache large enough for one row of chunks (capped): the block engine
  // writes block rows in order, so a partly written chunk normally stays in
  // the cache until complete instead of being compressed, evicted and read
  // back. w0 = 1 evicts fully written chunks first.
  const size_t chunk_bytes = chunk[0] * chunk[1] * H5Tget_size(file_type);
  const size_t chunks_per_row = (dims[1] + chunk[1] - 1) / chunk[1];
  const size_t cache_bytes =
      std::clamp<size_t>(chunks_per_row * chunk_bytes, size_t{1} << 20, size_t{32} << 20);
  const size_t slots = 100 * std::max<size_t>(1, cache_bytes / chunk_bytes) + 1;
  h5::PropList dapl(h5::check(H5Pcreate(H5P_DATASET_ACCESS), f, path, "create properties"));
  h5::check(H5Pset_chunk_cache(dapl.get(), slots, cache_bytes, 1.0), f, path, "set chunk cache");

  h5::Dataset dataset = create_dataset(path, file_type, space.get(), dcpl.get(), dapl.get());
  maps_.emplace(path, std::move(dataset));
  set_attribute(path, "description", description);
  write_attribute(path, "_FillValue", mem_type, file_type, nullptr, fill_value);
}

void ResultWriter::write_map_window_of(const std::string& path, const MapWindow& w,
                                       hid_t mem_type, const void* data) {
  require_open("write a map");
  const auto it = maps_.find(path);
  if (it == maps_.end()) {
    throw Error(final_path_.string() + ": " + path + ": no such map (create_map it first)");
  }
  if (w.x0 < 0 || w.y0 < 0 || w.width < 0 || w.height < 0 ||
      int64_t{w.x0} + w.width > width_ || int64_t{w.y0} + w.height > height_) {
    throw Error(final_path_.string() + ": " + path + ": " + window_text(w) + " outside the " +
                std::to_string(width_) + "x" + std::to_string(height_) + " map");
  }
  if (w.width == 0 || w.height == 0) return;
  const auto& f = final_path_;
  const hsize_t start[2] = {static_cast<hsize_t>(w.y0), static_cast<hsize_t>(w.x0)};
  const hsize_t count[2] = {static_cast<hsize_t>(w.height), static_cast<hsize_t>(w.width)};
  const hid_t dataset = it->second.get();
  h5::Dataspace file_space(h5::check(H5Dget_space(dataset), f, path, "get dataspace"));
  h5::check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
            f, path, "select " + window_text(w));
  h5::Dataspace mem_space(h5::check(H5Screate_simple(2, count, nullptr), f, path,
                                    "create dataspace"));
  h5::check(H5Dwrite(dataset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data), f,
            path, "write " + window_text(w));
}

void ResultWriter::write_array_of(const std::string& path, const std::vector<hsize_t>& dims,
                                  hid_t mem_type, hid_t file_type, const void* data,
                                  size_t count) {
  require_open("write a dataset");
  hsize_t expected = 1;
  for (const hsize_t d : dims) expected *= d;
  if (dims.empty() || expected != count) {
    throw Error(final_path_.string() + ": " + path + ": " + std::to_string(count) +
                " values do not fill the dataset's shape (rank " + std::to_string(dims.size()) +
                ", " + std::to_string(expected) + " elements)");
  }
  const auto& f = final_path_;
  h5::Dataspace space(h5::check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                                f, path, "create dataspace"));
  h5::Dataset dataset = create_dataset(path, file_type, space.get(), H5P_DEFAULT);
  if (count == 0) return;  // nothing to write; HDF5 rejects a null buffer
  h5::check(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), f, path,
            "write dataset");
  h5::check(dataset.close(), f, path, "close dataset");
}

void ResultWriter::write_strings(const std::string& path, const std::vector<std::string>& values) {
  require_open("write strings");
  const auto& f = final_path_;
  const h5::Datatype type = utf8_string_type(f);
  const hsize_t n = values.size();
  h5::Dataspace space(h5::check(H5Screate_simple(1, &n, nullptr), f, path, "create dataspace"));
  h5::Dataset dataset = create_dataset(path, type.get(), space.get(), H5P_DEFAULT);
  if (n == 0) return;
  const std::vector<const char*> pointers = c_strings(values);
  h5::check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), f,
            path, "write strings");
  h5::check(dataset.close(), f, path, "close dataset");
}

void ResultWriter::write_string_table(const std::string& path,
                                      const std::vector<std::string>& columns,
                                      const std::vector<std::vector<std::string>>& rows) {
  require_open("write a table");
  const auto& f = final_path_;
  if (columns.empty()) throw Error(f.string() + ": " + path + ": a table needs at least one column");
  const size_t ncols = columns.size();
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != ncols) {
      throw Error(f.string() + ": " + path + ": row " + std::to_string(r) + " has " +
                  std::to_string(rows[r].size()) + " values for " + std::to_string(ncols) +
                  " columns");
    }
  }
  // One record = ncols consecutive char pointers; the same compound type
  // serves in memory and in the file.
  const h5::Datatype text = utf8_string_type(f);
  h5::Datatype record(h5::check(H5Tcreate(H5T_COMPOUND, ncols * sizeof(const char*)), f, path,
                                "create table type"));
  for (size_t c = 0; c < ncols; ++c) {
    h5::check(H5Tinsert(record.get(), columns[c].c_str(), c * sizeof(const char*), text.get()), f,
              path, "add column \"" + columns[c] + "\"");
  }
  const hsize_t n = rows.size();
  h5::Dataspace space(h5::check(H5Screate_simple(1, &n, nullptr), f, path, "create dataspace"));
  h5::Dataset dataset = create_dataset(path, record.get(), space.get(), H5P_DEFAULT);
  if (n == 0) return;
  std::vector<const char*> cells;
  cells.reserve(rows.size() * ncols);
  for (const auto& row : rows) {
    for (const auto& value : row) cells.push_back(value.c_str());
  }
  h5::check(H5Dwrite(dataset.get(), record.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, cells.data()), f,
            path, "write table");
  h5::check(dataset.close(), f, path, "close dataset");
}

void ResultWriter::write_attribute(const std::string& object_path, const std::string& name,
                                   hid_t mem_type, hid_t file_type,
                                   const std::vector<hsize_t>* dims, const void* data) {
  require_open("write an attribute");
  const auto& f = final_path_;
  const std::string what = "attribute \"" + name + "\"";
  h5::Object object(h5::check(H5Oopen(file_.get(), object_path.c_str(), H5P_DEFAULT), f,
                              object_path, "open object for " + what));
  if (h5::check(H5Aexists(object.get(), name.c_str()), f, object_path, "look up " + what) > 0) {
    h5::check(H5Adelete(object.get(), name.c_str()), f, object_path, "replace " + what);
  }
  hid_t space_id;
  if (dims == nullptr) {
    space_id = H5Screate(H5S_SCALAR);
  } else if (!dims->empty() && (*dims)[0] > 0) {
    space_id = H5Screate_simple(1, dims->data(), nullptr);
  } else {
    space_id = H5Screate(H5S_NULL);  // an empty list: HDF5 has no zero-length attribute
  }
  h5::Dataspace space(h5::check(space_id, f, object_path, "create dataspace for " + what));
  h5::Attribute attribute(h5::check(
      H5Acreate2(object.get(), name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), f,
      object_path, "create " + what));
  if (dims != nullptr && (dims->empty() || (*dims)[0] == 0)) return;
  h5::check(H5Awrite(attribute.get(), mem_type, data), f, object_path, "write " + what);
  h5::check(attribute.close(), f, object_path, "close " + what);
}

void ResultWriter::set_attribute(const std::string& object_path, const std::string& name,
                                 const std::string& value) {
  require_open("write an attribute");
  const h5::Datatype type = utf8_string_type(final_path_);
  const char* pointer = value.c_str();
  write_attribute(object_path, name, type.get(), type.get(), nullptr, &pointer);
}

void ResultWriter::set_attribute(const std::string& object_path, const std::string& name,
                                 double value) {
  write_attribute(object_path, name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, nullptr, &value);
}

void ResultWriter::set_attribute(const std::string& object_path, const std::string& name,
                                 int64_t value) {
  write_attribute(object_path, name, H5T_NATIVE_INT64, H5T_STD_I64LE, nullptr, &value);
}

void ResultWriter::set_attribute(const std::string& object_path, const std::string& name,
                                 const std::vector<double>& value) {
  const std::vector<hsize_t> dims{value.size()};
  write_attribute(object_path, name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, &dims, value.data());
}

void ResultWriter::set_attribute(const std::string& object_path, const std::string& name,
                                 const std::vector<std::string>& value) {
  require_open("write an attribute");
  const h5::Datatype type = utf8_string_type(final_path_);
  const std::vector<const char*> pointers = c_strings(value);
  const std::vector<hsize_t> dims{value.size()};
  write_attribute(object_path, name, type.get(), type.get(), &dims, pointers.data());
}

void ResultWriter::commit() {
  require_open("commit");
  const auto& f = final_path_;
  const std::string name = f.string();
  // Closing a map flushes its chunk cache: compression and the last writes
  // happen here, so a full disk shows up here.
  for (auto& [path, dataset] : maps_) h5::check(dataset.close(), f, path, "flush map");
  maps_.clear();
  fault_point("mid_write");
  const ssize_t open_objects = H5Fget_obj_count(file_.get(), H5F_OBJ_ALL);
  if (open_objects != 1) {
    throw Error(name + ": internal error: " + std::to_string(open_objects - 1) +
                " HDF5 objects still open at commit");
  }
  h5::check(file_.close(), f, "", "close temporary file " + tmp_path_.string());
  if (const int err = fsync_path(tmp_path_, false); err != 0) {
    throw Error(name + ": cannot fsync temporary file " + tmp_path_.string() + ": " +
                errno_text(err));
  }
  fault_point("before_rename");
  if (::rename(tmp_path_.c_str(), f.c_str()) != 0) {
    throw Error(name + ": cannot rename " + tmp_path_.string() + " into place: " +
                errno_text(errno));
  }
  committed_ = true;
  fault_point("after_rename");
  // Without this, a power cut right after the rename may bring back the old
  // directory entry (or none) although we reported success.
  const std::filesystem::path dir = f.has_parent_path() ? f.parent_path() : ".";
  if (const int err = fsync_path(dir, true); err != 0) {
    throw Error(name + ": result written, but cannot fsync directory " + dir.string() + ": " +
                errno_text(err));
  }
}

}  // namespace paddymrv

namespace paddymrv {

std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& final_path) {
  std::vector<std::filesystem::path> removed;
  const std::string prefix = final_path.filename().string() + ".tmp-";
  const std::filesystem::path dir = final_path.has_parent_path() ? final_path.parent_path() : ".";
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    if (name.find_first_not_of("0123456789", prefix.size()) != std::string::npos) continue;
    std::error_code rm;
    if (it->is_regular_file(rm) && std::filesystem::remove(it->path(), rm)) removed.push_back(it->path());
  }
  return removed;
}

}  // namespace paddymrv
