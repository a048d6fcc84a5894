#include "pipeline/result_reader.hpp"

#include <functional>
#include <system_error>

namespace paddymrv {
namespace {

using ReadFn = std::function<herr_t(hid_t mem_type, void* buffer)>;

// Frees the strings HDF5 allocated while reading variable-length data, also
// when copying them out throws.
class VlenBuffer {
 public:
  VlenBuffer(hid_t mem_type, hid_t space, void* buffer)
      : mem_type_(mem_type), space_(space), buffer_(buffer) {}
  ~VlenBuffer() { H5Dvlen_reclaim(mem_type_, space_, H5P_DEFAULT, buffer_); }
  VlenBuffer(const VlenBuffer&) = delete;
  VlenBuffer& operator=(const VlenBuffer&) = delete;

 private:
  hid_t mem_type_, space_;
  void* buffer_;
};

h5::Datatype vlen_string_type(H5T_cset_t cset, const std::filesystem::path& file,
                              const std::string& object) {
  h5::Datatype type(h5::check<InputError>(H5Tcopy(H5T_C_S1), file, object, "copy string type"));
  h5::check<InputError>(H5Tset_size(type.get(), H5T_VARIABLE), file, object, "size string type");
  h5::check<InputError>(H5Tset_cset(type.get(), cset), file, object, "set string encoding");
  return type;
}

// The strings of a dataset or attribute whose type is `file_type` and shape
// `space`; `read` performs the H5Dread/H5Aread into a memory buffer.
std::vector<std::string> read_string_values(hid_t file_type, hid_t space, const ReadFn& read,
                                            const std::filesystem::path& file,
                                            const std::string& object) {
  const auto& f = file;
  if (h5::check<InputError>(H5Tget_class(file_type), f, object, "get type class") != H5T_STRING) {
    throw InputError(f.string() + ": " + object + ": not a string");
  }
  const hssize_t n = h5::check<InputError>(H5Sget_simple_extent_npoints(space), f, object,
                                           "count elements");
  std::vector<std::string> out;
  if (n == 0) return out;
  out.reserve(static_cast<size_t>(n));
  const htri_t variable = h5::check<InputError>(H5Tis_variable_str(file_type), f, object,
                                                "inspect string type");
  if (variable > 0) {
    const H5T_cset_t cset = H5Tget_cset(file_type);
    const h5::Datatype mem_type = vlen_string_type(cset, f, object);
    std::vector<char*> pointers(static_cast<size_t>(n), nullptr);
    h5::check<InputError>(read(mem_type.get(), pointers.data()), f, object, "read strings");
    const VlenBuffer reclaim(mem_type.get(), space, pointers.data());
    for (const char* p : pointers) out.emplace_back(p != nullptr ? p : "");
    return out;
  }
  // Fixed-length strings (written by other tools): cut at the padding.
  const size_t size = H5Tget_size(file_type);
  const H5T_str_t pad = H5Tget_strpad(file_type);
  h5::Datatype mem_type(h5::check<InputError>(H5Tcopy(file_type), f, object, "copy string type"));
  std::vector<char> buffer(static_cast<size_t>(n) * size);
  h5::check<InputError>(read(mem_type.get(), buffer.data()), f, object, "read strings");
  for (hssize_t i = 0; i < n; ++i) {
    std::string s(buffer.data() + static_cast<size_t>(i) * size, size);
    if (pad == H5T_STR_SPACEPAD) {
      s.erase(s.find_last_not_of(' ') + 1);
    } else if (const size_t end = s.find('\0'); end != std::string::npos) {
      s.erase(end);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

ResultReader::ResultReader(const std::filesystem::path& path) : path_(path) {
  const std::string name = path_.string();
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) throw InputError(name + ": no such file");
  if (std::filesystem::is_directory(path_, ec)) throw InputError(name + ": is a directory");
  h5::silence_error_printing();
  const htri_t is_hdf5 = H5Fis_hdf5(path_.c_str());
  if (is_hdf5 <= 0) {
    const std::string detail = is_hdf5 < 0 ? h5::take_error_stack() : std::string();
    throw InputError(name + ": not an HDF5 file" + (detail.empty() ? "" : ": " + detail));
  }
  h5::PropList fapl(
      h5::check<InputError>(H5Pcreate(H5P_FILE_ACCESS), path_, "", "create properties"));
  // Verifiers read results from shares where locking may be unavailable; a
  // committed result is never modified in place, so a failed lock is harmless.
  h5::check<InputError>(H5Pset_file_locking(fapl.get(), 1, 1), path_, "", "set file locking");
  file_ = h5::File(h5::check<InputError>(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, fapl.get()),
                                         path_, "", "open HDF5 file"));
}

bool ResultReader::exists(const std::string& path) const {
  if (path.empty()) return false;
  // H5Lexists fails (rather than answering false) when an intermediate group
  // is missing, so walk the path one link at a time.
  size_t pos = path.find_first_not_of('/');
  if (pos == std::string::npos) return true;  // "/"
  while (pos != std::string::npos) {
    const size_t slash = path.find('/', pos);
    const std::string prefix = path.substr(0, slash);
    if (h5::check<InputError>(H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT), path_, prefix,
                              "look up link") <= 0) {
      return false;
    }
    pos = slash == std::string::npos ? slash : path.find_first_not_of('/', slash);
  }
  return h5::check<InputError>(H5Oexists_by_name(file_.get(), path.c_str(), H5P_DEFAULT), path_,
                               path, "look up object") > 0;
}

bool ResultReader::has_attribute(const std::string& object_path, const std::string& name) const {
  if (!exists(object_path)) return false;
  return h5::check<InputError>(H5Aexists_by_name(file_.get(), object_path.c_str(), name.c_str(),
                                                 H5P_DEFAULT),
                               path_, object_path, "look up attribute \"" + name + "\"") > 0;
}

h5::Dataset ResultReader::open_dataset(const std::string& path) const {
  if (!exists(path)) throw InputError(path_.string() + ": " + path + ": no such dataset");
  return h5::Dataset(h5::check<InputError>(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), path_,
                                           path, "open dataset"));
}

h5::Attribute ResultReader::open_attribute(const std::string& object_path,
                                           const std::string& name) const {
  if (!has_attribute(object_path, name)) {
    throw InputError(path_.string() + ": " + object_path + ": no attribute \"" + name + "\"");
  }
  return h5::Attribute(h5::check<InputError>(
      H5Aopen_by_name(file_.get(), object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
      path_, object_path, "open attribute \"" + name + "\""));
}

std::vector<hsize_t> ResultReader::dims(const std::string& path) const {
  const h5::Dataset dataset = open_dataset(path);
  const h5::Dataspace space(
      h5::check<InputError>(H5Dget_space(dataset.get()), path_, path, "get dataspace"));
  const int rank = h5::check<InputError>(H5Sget_simple_extent_ndims(space.get()), path_, path,
                                         "get rank");
  std::vector<hsize_t> out(static_cast<size_t>(rank));
  h5::check<InputError>(H5Sget_simple_extent_dims(space.get(), out.data(), nullptr), path_, path,
                        "get dimensions");
  return out;
}

size_t ResultReader::element_count(const std::string& path) const {
  size_t n = 1;
  for (const hsize_t d : dims(path)) n *= d;
  return n;
}

size_t ResultReader::window_count(const MapWindow& w) {
  return w.width > 0 && w.height > 0 ? static_cast<size_t>(w.width) * w.height : 0;
}

void ResultReader::read_numbers(const std::string& path, hid_t mem_type, const MapWindow* window,
                                void* out) const {
  const h5::Dataset dataset = open_dataset(path);
  const h5::Datatype type(
      h5::check<InputError>(H5Dget_type(dataset.get()), path_, path, "get datatype"));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
    throw InputError(path_.string() + ": " + path + ": not a numeric dataset");
  }
  const h5::Dataspace file_space(
      h5::check<InputError>(H5Dget_space(dataset.get()), path_, path, "get dataspace"));
  if (window == nullptr) {
    if (H5Sget_simple_extent_npoints(file_space.get()) == 0) return;
    h5::check<InputError>(H5Dread(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out),
                          path_, path, "read dataset");
    return;
  }
  const MapWindow& w = *window;
  hsize_t shape[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(file_space.get()) != 2) {
    throw InputError(path_.string() + ": " + path + ": not a 2-D map");
  }
  H5Sget_simple_extent_dims(file_space.get(), shape, nullptr);
  if (w.x0 < 0 || w.y0 < 0 || w.width < 0 || w.height < 0 ||
      static_cast<hsize_t>(w.x0) + w.width > shape[1] ||
      static_cast<hsize_t>(w.y0) + w.height > shape[0]) {
    throw InputError(path_.string() + ": " + path + ": window x0=" + std::to_string(w.x0) +
                     " y0=" + std::to_string(w.y0) + " " + std::to_string(w.width) + "x" +
                     std::to_string(w.height) + " outside the " + std::to_string(shape[1]) + "x" +
                     std::to_string(shape[0]) + " map");
  }
  if (window_count(w) == 0) return;
  const hsize_t start[2] = {static_cast<hsize_t>(w.y0), static_cast<hsize_t>(w.x0)};
  const hsize_t count[2] = {static_cast<hsize_t>(w.height), static_cast<hsize_t>(w.width)};
  h5::check<InputError>(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), path_,
      path, "select window");
  const h5::Dataspace mem_space(
      h5::check<InputError>(H5Screate_simple(2, count, nullptr), path_, path, "create dataspace"));
  h5::check<InputError>(
      H5Dread(dataset.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out), path_,
      path, "read window");
}

std::vector<std::string> ResultReader::read_strings(const std::string& path) const {
  const h5::Dataset dataset = open_dataset(path);
  const hid_t id = dataset.get();
  const h5::Datatype type(h5::check<InputError>(H5Dget_type(id), path_, path, "get datatype"));
  const h5::Dataspace space(h5::check<InputError>(H5Dget_space(id), path_, path, "get dataspace"));
  const ReadFn read = [id](hid_t mem_type, void* buffer) {
    return H5Dread(id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  };
  return read_string_values(type.get(), space.get(), read, path_, path);
}

std::vector<std::vector<std::string>> ResultReader::read_string_table(
    const std::string& path, std::vector<std::string>* columns) const {
  const h5::Dataset dataset = open_dataset(path);
  const h5::Datatype type(
      h5::check<InputError>(H5Dget_type(dataset.get()), path_, path, "get datatype"));
  if (H5Tget_class(type.get()) != H5T_COMPOUND) {
    throw InputError(path_.string() + ": " + path + ": not a table (compound dataset)");
  }
  const int ncols =
      h5::check<InputError>(H5Tget_nmembers(type.get()), path_, path, "count table columns");
  // Memory record: one char pointer per column; HDF5 matches fields by name.
  h5::Datatype record(h5::check<InputError>(
      H5Tcreate(H5T_COMPOUND, static_cast<size_t>(ncols) * sizeof(char*)), path_, path,
      "create table type"));
  std::vector<std::string> names;
  for (int c = 0; c < ncols; ++c) {
    char* raw = H5Tget_member_name(type.get(), static_cast<unsigned>(c));
    if (raw == nullptr) h5::check<InputError>(-1, path_, path, "get column name");
    std::string name(raw);
    H5free_memory(raw);
    const h5::Datatype member(h5::check<InputError>(
        H5Tget_member_type(type.get(), static_cast<unsigned>(c)), path_, path, "get column type"));
    if (H5Tget_class(member.get()) != H5T_STRING || H5Tis_variable_str(member.get()) <= 0) {
      throw InputError(path_.string() + ": " + path + ": column \"" + name +
                       "\" is not a variable-length string");
    }
    const h5::Datatype text = vlen_string_type(H5Tget_cset(member.get()), path_, path);
    h5::check<InputError>(
        H5Tinsert(record.get(), name.c_str(), static_cast<size_t>(c) * sizeof(char*), text.get()),
        path_, path, "build table type");
    names.push_back(std::move(name));
  }
  const h5::Dataspace space(
      h5::check<InputError>(H5Dget_space(dataset.get()), path_, path, "get dataspace"));
  const hssize_t nrows = h5::check<InputError>(H5Sget_simple_extent_npoints(space.get()), path_,
                                               path, "count rows");
  std::vector<std::vector<std::string>> rows;
  if (nrows > 0 && ncols > 0) {
    std::vector<char*> cells(static_cast<size_t>(nrows) * ncols, nullptr);
    h5::check<InputError>(H5Dread(dataset.get(), record.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                  cells.data()),
                          path_, path, "read table");
    const VlenBuffer reclaim(record.get(), space.get(), cells.data());
    rows.reserve(static_cast<size_t>(nrows));
    for (hssize_t r = 0; r < nrows; ++r) {
      std::vector<std::string> row;
      row.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        const char* p = cells[static_cast<size_t>(r) * ncols + c];
        row.emplace_back(p != nullptr ? p : "");
      }
      rows.push_back(std::move(row));
    }
  }
  if (columns != nullptr) *columns = std::move(names);
  return rows;
}

std::vector<std::string> ResultReader::attribute_strings(const std::string& object_path,
                                                         const std::string& name) const {
  const h5::Attribute attribute = open_attribute(object_path, name);
  const hid_t id = attribute.get();
  const std::string what = object_path + " attribute \"" + name + "\"";
  const h5::Datatype type(h5::check<InputError>(H5Aget_type(id), path_, what, "get datatype"));
  const h5::Dataspace space(h5::check<InputError>(H5Aget_space(id), path_, what, "get dataspace"));
  const ReadFn read = [id](hid_t mem_type, void* buffer) { return H5Aread(id, mem_type, buffer); };
  return read_string_values(type.get(), space.get(), read, path_, what);
}

std::string ResultReader::attribute_string(const std::string& object_path,
                                           const std::string& name) const {
  std::vector<std::string> values = attribute_strings(object_path, name);
  if (values.size() != 1) {
    throw InputError(path_.string() + ": " + object_path + ": attribute \"" + name + "\" has " +
                     std::to_string(values.size()) + " strings, expected one");
  }
  return std::move(values.front());
}

std::vector<double> ResultReader::attribute_doubles(const std::string& object_path,
                                                    const std::string& name) const {
  const h5::Attribute attribute = open_attribute(object_path, name);
  const std::string what = object_path + " attribute \"" + name + "\"";
  const h5::Datatype type(
      h5::check<InputError>(H5Aget_type(attribute.get()), path_, what, "get datatype"));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
    throw InputError(path_.string() + ": " + what + ": not numeric");
  }
  const h5::Dataspace space(
      h5::check<InputError>(H5Aget_space(attribute.get()), path_, what, "get dataspace"));
  const hssize_t n =
      h5::check<InputError>(H5Sget_simple_extent_npoints(space.get()), path_, what, "count values");
  std::vector<double> out(static_cast<size_t>(n));
  if (n > 0) {
    h5::check<InputError>(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, out.data()), path_, what,
                          "read");
  }
  return out;
}

double ResultReader::attribute_double(const std::string& object_path,
                                      const std::string& name) const {
  const std::vector<double> values = attribute_doubles(object_path, name);
  if (values.size() != 1) {
    throw InputError(path_.string() + ": " + object_path + ": attribute \"" + name + "\" has " +
                     std::to_string(values.size()) + " values, expected one");
  }
  return values.front();
}

int64_t ResultReader::attribute_int64(const std::string& object_path,
                                      const std::string& name) const {
  // Read as int64 directly: going through double would lose precision above 2^53.
  const h5::Attribute attribute = open_attribute(object_path, name);
  const std::string what = object_path + " attribute \"" + name + "\"";
  const h5::Datatype type(
      h5::check<InputError>(H5Aget_type(attribute.get()), path_, what, "get datatype"));
  const h5::Dataspace space(
      h5::check<InputError>(H5Aget_space(attribute.get()), path_, what, "get dataspace"));
  if (H5Tget_class(type.get()) != H5T_INTEGER || H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw InputError(path_.string() + ": " + what + ": not a single integer");
  }
  int64_t value = 0;
  h5::check<InputError>(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), path_, what, "read");
  return value;
}

}  // namespace paddymrv
