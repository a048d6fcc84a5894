// The HDF5 result file: writer and reader round trips, the on-disk layout
// verifiers rely on (chunking, compression, UTF-8), the atomic
// temporary-then-rename protocol, error reporting and handle hygiene.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "pipeline/errors.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/result_writer.hpp"

namespace fs = std::filesystem;
using paddymrv::MapWindow;
using paddymrv::ResultReader;
using paddymrv::ResultWriter;

namespace {

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("paddymrv_result_test_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++) + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Equal, treating NaN as equal to NaN (NaN is the natural fill of float maps).
template <class T>
bool same_value(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  }
  return a == b;
}

template <class T>
::testing::AssertionResult same_values(const std::vector<T>& expected, const std::vector<T>& got) {
  if (expected.size() != got.size()) {
    return ::testing::AssertionFailure()
           << "size " << got.size() << ", expected " << expected.size();
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!same_value(expected[i], got[i])) {
      return ::testing::AssertionFailure() << "element " << i << " is " << +got[i]
                                           << ", expected " << +expected[i];
    }
  }
  return ::testing::AssertionSuccess();
}

// HDF5 identifiers of each kind currently alive in the process: constant
// across a writer's or reader's lifetime if nothing leaks.
struct IdCounts {
  hsize_t types = 0, spaces = 0, plists = 0, attrs = 0, datasets = 0, groups = 0, files = 0,
          stacks = 0;
  static IdCounts now() {
    IdCounts c;
    H5Inmembers(H5I_DATATYPE, &c.types);
    H5Inmembers(H5I_DATASPACE, &c.spaces);
    H5Inmembers(H5I_GENPROP_LST, &c.plists);
    H5Inmembers(H5I_ATTR, &c.attrs);
    H5Inmembers(H5I_DATASET, &c.datasets);
    H5Inmembers(H5I_GROUP, &c.groups);
    H5Inmembers(H5I_FILE, &c.files);
    H5Inmembers(H5I_ERROR_STACK, &c.stacks);
    return c;
  }
  bool operator==(const IdCounts&) const = default;
};

std::ostream& operator<<(std::ostream& os, const IdCounts& c) {
  return os << "{types " << c.types << ", spaces " << c.spaces << ", plists " << c.plists
            << ", attrs " << c.attrs << ", datasets " << c.datasets << ", groups " << c.groups
            << ", files " << c.files << ", error stacks " << c.stacks << "}";
}

constexpr int kHeight = 70;
constexpr int kWidth = 90;
constexpr int kChunk = 32;  // several chunks, with partial ones at the edges

// Windows tiling the map, in shuffled order, without the last one: that
// window is never written and must read back as the fill value.
std::vector<MapWindow> shuffled_windows(MapWindow* unwritten) {
  std::vector<MapWindow> windows;
  for (int y = 0; y < kHeight; y += 25) {
    for (int x = 0; x < kWidth; x += 20) {
      windows.push_back({x, y, std::min(20, kWidth - x), std::min(25, kHeight - y)});
    }
  }
  *unwritten = windows.back();
  windows.pop_back();
  std::mt19937 rng(42);
  std::shuffle(windows.begin(), windows.end(), rng);
  return windows;
}

// Writes a map whose pixel (x, y) is value(x, y) window by window and returns
// the full expected content.
template <class T, class F>
std::vector<T> write_test_map(ResultWriter& writer, const std::string& path, T fill, F value) {
  writer.create_map<T>(path, fill, "test map " + path);
  MapWindow unwritten{};
  const std::vector<MapWindow> windows = shuffled_windows(&unwritten);
  std::vector<T> expected(static_cast<size_t>(kHeight) * kWidth, fill);
  for (const MapWindow& w : windows) {
    std::vector<T> block;
    for (int y = w.y0; y < w.y0 + w.height; ++y) {
      for (int x = w.x0; x < w.x0 + w.width; ++x) {
        block.push_back(value(x, y));
        expected[static_cast<size_t>(y) * kWidth + x] = value(x, y);
      }
    }
    writer.write_map_window<T>(path, w, block.data());
  }
  return expected;
}

template <class T>
void expect_map(const ResultReader& reader, const std::string& path, const std::vector<T>& expected,
                T fill) {
  SCOPED_TRACE(path);
  EXPECT_EQ(reader.dims(path), (std::vector<hsize_t>{kHeight, kWidth}));
  EXPECT_TRUE(same_values(expected, reader.read<T>(path)));
  // A window straddling chunk boundaries.
  const MapWindow w{13, 29, 41, 17};
  std::vector<T> window_expected;
  for (int y = w.y0; y < w.y0 + w.height; ++y) {
    for (int x = w.x0; x < w.x0 + w.width; ++x) {
      window_expected.push_back(expected[static_cast<size_t>(y) * kWidth + x]);
    }
  }
  EXPECT_TRUE(same_values(window_expected, reader.read_window<T>(path, w)));
  // The fill value is where nothing was written, and it is the attribute.
  MapWindow unwritten{};
  shuffled_windows(&unwritten);
  const std::vector<T> never = reader.read_window<T>(path, unwritten);
  EXPECT_TRUE(same_values(std::vector<T>(never.size(), fill), never));
  const std::vector<double> fill_attr = reader.attribute_doubles(path, "_FillValue");
  ASSERT_EQ(fill_attr.size(), 1u);
  EXPECT_TRUE(same_value(static_cast<double>(fill), fill_attr[0]));
  EXPECT_EQ(reader.attribute_string(path, "description"), "test map " + path);
}

// The type class, size and signedness HDF5 reports for a dataset or attribute.
struct StoredType {
  H5T_class_t cls;
  size_t size;
  H5T_sign_t sign;
  bool operator==(const StoredType&) const = default;
};

template <class T>
StoredType stored_type_of() {
  return {std::is_floating_point_v<T> ? H5T_FLOAT : H5T_INTEGER, sizeof(T),
          std::is_floating_point_v<T> ? H5T_SGN_ERROR
                                      : (std::is_signed_v<T> ? H5T_SGN_2 : H5T_SGN_NONE)};
}

StoredType stored_type(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  return {cls, H5Tget_size(type), cls == H5T_INTEGER ? H5Tget_sign(type) : H5T_SGN_ERROR};
}

// Opens a committed file with the plain C API, independent of ResultReader.
struct RawFile {
  explicit RawFile(const fs::path& path) : id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~RawFile() {
    if (id >= 0) H5Fclose(id);
  }
  hid_t id;
};

}  // namespace

TEST(ResultFile, MapsOfEveryTypeRoundTripFromShuffledWindows) {
  TempDir dir;
  const fs::path out = dir / "maps.h5";
  std::vector<uint8_t> u8;
  std::vector<uint16_t> u16;
  std::vector<int32_t> i32;
  std::vector<float> f32;
  std::vector<double> f64;
  {
    ResultWriter writer(out, kHeight, kWidth, kChunk);
    u8 = write_test_map<uint8_t>(writer, "/maps/crop_class", 0,
                                 [](int x, int y) { return uint8_t(1 + (x * 7 + y) % 12); });
    u16 = write_test_map<uint16_t>(writer, "/qa/s1_observations", 65535,
                                   [](int x, int y) { return uint16_t(x * 700 + y); });
    i32 = write_test_map<int32_t>(writer, "/maps/commune_index", -1,
                                  [](int x, int y) { return int32_t(x * y) - 2000000000; });
    f32 = write_test_map<float>(writer, "/qa/first_flood_doy", std::nanf(""),
                                [](int x, int y) { return x == y ? -0.0f : float(x) / (y + 1); });
    f64 = write_test_map<double>(writer, "/qa/deep/nested/ratio", -9999.0,
                                 [](int x, int y) { return 1e300 / (1 + x) - y * 1e-12; });
    writer.commit();
  }
  const ResultReader reader(out);
  expect_map(reader, "/maps/crop_class", u8, uint8_t{0});
  expect_map(reader, "/qa/s1_observations", u16, uint16_t{65535});
  expect_map(reader, "/maps/commune_index", i32, int32_t{-1});
  expect_map(reader, "/qa/first_flood_doy", f32, std::nanf(""));
  expect_map(reader, "/qa/deep/nested/ratio", f64, -9999.0);

  // Stored in the map's own type (not widened), and HDF5 converts on read.
  RawFile raw(out);
  ASSERT_GE(raw.id, 0);
  auto map_type = [&](const char* path) {
    const hid_t ds = H5Dopen2(raw.id, path, H5P_DEFAULT);
    const hid_t type = H5Dget_type(ds);
    const StoredType t = stored_type(type);
    H5Tclose(type);
    H5Dclose(ds);
    return t;
  };
  EXPECT_EQ(map_type("/maps/crop_class"), stored_type_of<uint8_t>());
  EXPECT_EQ(map_type("/qa/s1_observations"), stored_type_of<uint16_t>());
  EXPECT_EQ(map_type("/maps/commune_index"), stored_type_of<int32_t>());
  EXPECT_EQ(map_type("/qa/first_flood_doy"), stored_type_of<float>());
  EXPECT_EQ(map_type("/qa/deep/nested/ratio"), stored_type_of<double>());
  const std::vector<double> as_double = reader.read<double>("/maps/crop_class");
  ASSERT_EQ(as_double.size(), u8.size());
  for (size_t i = 0; i < u8.size(); ++i) ASSERT_EQ(as_double[i], u8[i]) << "element " << i;
}

TEST(ResultFile, MapIsChunkedShuffledAndDeflated) {
  TempDir dir;
  const fs::path out = dir / "layout.h5";
  {
    ResultWriter writer(out, 20, 300, 256, 6);
    writer.create_map<uint8_t>("/maps/water_regime", 0, "water regime");
    writer.commit();
  }
  {
    ResultWriter writer(dir / "plain.h5", 20, 300, 64, 0);
    writer.create_map<uint8_t>("/maps/water_regime", 0, "water regime");
    writer.commit();
  }
  auto inspect = [](const fs::path& file, std::vector<hsize_t>* chunk,
                    std::vector<H5Z_filter_t>* filters, unsigned* deflate_level) {
    RawFile raw(file);
    ASSERT_GE(raw.id, 0);
    const hid_t ds = H5Dopen2(raw.id, "/maps/water_regime", H5P_DEFAULT);
    ASSERT_GE(ds, 0);
    const hid_t dcpl = H5Dget_create_plist(ds);
    EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
    chunk->assign(2, 0);
    EXPECT_EQ(H5Pget_chunk(dcpl, 2, chunk->data()), 2);
    const int n = H5Pget_nfilters(dcpl);
    for (int i = 0; i < n; ++i) {
      unsigned flags = 0;
      size_t nvalues = 1;
      unsigned values[1] = {0};
      unsigned config = 0;
      const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nvalues,
                                             values, 0, nullptr, &config);
      filters->push_back(id);
      if (id == H5Z_FILTER_DEFLATE) *deflate_level = values[0];
    }
    H5Pclose(dcpl);
    H5Dclose(ds);
  };
  std::vector<hsize_t> chunk;
  std::vector<H5Z_filter_t> filters;
  unsigned level = 0;
  inspect(out, &chunk, &filters, &level);
  EXPECT_EQ(chunk, (std::vector<hsize_t>{20, 256}));  // clipped to the 20 rows
  EXPECT_EQ(filters, (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}));
  EXPECT_EQ(level, 6u);

  std::vector<H5Z_filter_t> plain_filters;
  inspect(dir / "plain.h5", &chunk, &plain_filters, &level);
  EXPECT_EQ(chunk, (std::vector<hsize_t>{20, 64}));
  EXPECT_TRUE(plain_filters.empty());
}

TEST(ResultFile, VietnameseStringsRoundTripByteExact) {
  TempDir dir;
  const fs::path out = dir / "strings.h5";
  const std::vector<std::string> names = {"Tả Van", "Bản Phiệt", "", "Sa Pa",
                                          "Mường Hum — xã vùng cao", std::string(5000, 'x')};
  {
    ResultWriter writer(out, 4, 4);
    writer.write_strings("/communes/name", names);
    writer.write_strings("/communes/empty", {});
    writer.commit();
  }
  const ResultReader reader(out);
  const std::vector<std::string> back = reader.read_strings("/communes/name");
  ASSERT_EQ(back.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(back[i], names[i]) << "element " << i;
  EXPECT_EQ(back[0], "T\xE1\xBA\xA3 Van");  // the exact UTF-8 bytes of "Tả Van"
  EXPECT_TRUE(reader.read_strings("/communes/empty").empty());
  EXPECT_EQ(reader.dims("/communes/name"), std::vector<hsize_t>{names.size()});

  // Declared UTF-8 and variable-length, so h5py/netCDF hand out text.
  RawFile raw(out);
  const hid_t ds = H5Dopen2(raw.id, "/communes/name", H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  EXPECT_GT(H5Tis_variable_str(type), 0);
  H5Tclose(type);
  H5Dclose(ds);
}

TEST(ResultFile, StringTableRoundTrips) {
  TempDir dir;
  const fs::path out = dir / "table.h5";
  const std::vector<std::string> columns = {"id",     "platform", "datetime", "href",
                                            "sha256", "status",   "reason"};
  const std::vector<std::vector<std::string>> rows = {
      {"S1C_20260612", "sentinel-1c", "2026-06-12T22:51:03Z", "s1/20260612/vv.tif",
       std::string(64, 'a'), "used", ""},
      {"S2B_20260615", "sentinel-2b", "2026-06-15T03:40:11Z", "/vsis3/bucket/Bản Phiệt.tif",
       std::string(64, 'b'), "quarantined", "không đọc được: CRC mismatch"},
      {"S1A_20260618", "sentinel-1a", "2026-06-18T22:50:59Z", "", "", "used", ""},
  };
  {
    ResultWriter writer(out, 4, 4);
    writer.write_string_table("/provenance/scenes", columns, rows);
    writer.write_string_table("/provenance/empty", {"id", "status"}, {});
    writer.commit();
  }
  const ResultReader reader(out);
  std::vector<std::string> got_columns;
  EXPECT_EQ(reader.read_string_table("/provenance/scenes", &got_columns), rows);
  EXPECT_EQ(got_columns, columns);
  EXPECT_EQ(reader.read_string_table("/provenance/scenes"), rows);
  EXPECT_TRUE(reader.read_string_table("/provenance/empty", &got_columns).empty());
  EXPECT_EQ(got_columns, (std::vector<std::string>{"id", "status"}));
  EXPECT_THROW(reader.read_string_table("/provenance"), paddymrv::InputError);
}

TEST(ResultFile, ArraysRoundTrip) {
  TempDir dir;
  const fs::path out = dir / "arrays.h5";
  const std::vector<double> crop_area = {1.5, 0, 2.25, -0.0, 1e-300, 7, 8, 9};
  const std::vector<int64_t> big = {std::numeric_limits<int64_t>::min(), -1, 0,
                                    std::numeric_limits<int64_t>::max()};
  const std::vector<int32_t> events = {0, 1, 2, 3, -7, 100000};
  const std::vector<uint16_t> counts = {0, 1, 65535};
  const std::vector<uint8_t> flags = {0, 1, 255, 3};
  {
    ResultWriter writer(out, 4, 4);
    writer.write_f64("/communes/crop_area_ha", {2, 4}, crop_area);
    writer.write_i64("/qa/big", {4}, big);
    writer.write_i32("/claims/drainage_events", {3, 2}, events);
    writer.write_u16("/qa/counts", {3}, counts);
    writer.write_u8("/qa/flags", {2, 2}, flags);
    writer.write_f64("/communes/none", {0}, {});
    EXPECT_THROW(writer.write_f64("/communes/wrong", {2, 3}, {1, 2, 3}), paddymrv::Error);
    writer.commit();
  }
  const ResultReader reader(out);
  EXPECT_EQ(reader.dims("/communes/crop_area_ha"), (std::vector<hsize_t>{2, 4}));
  EXPECT_EQ(reader.read<double>("/communes/crop_area_ha"), crop_area);
  EXPECT_EQ(reader.read<int64_t>("/qa/big"), big);
  EXPECT_EQ(reader.dims("/claims/drainage_events"), (std::vector<hsize_t>{3, 2}));
  EXPECT_EQ(reader.read<int32_t>("/claims/drainage_events"), events);
  EXPECT_EQ(reader.read<uint16_t>("/qa/counts"), counts);
  EXPECT_EQ(reader.read<uint8_t>("/qa/flags"), flags);
  EXPECT_EQ(reader.read<double>("/claims/drainage_events"),
            (std::vector<double>{0, 1, 2, 3, -7, 100000}));
  EXPECT_TRUE(reader.read<double>("/communes/none").empty());
  EXPECT_FALSE(reader.exists("/communes/wrong"));
  EXPECT_THROW(reader.read<double>("/communes/missing"), paddymrv::InputError);
}

TEST(ResultFile, AttributesRoundTrip) {
  TempDir dir;
  const fs::path out = dir / "attrs.h5";
  const std::vector<double> geotransform = {399960.0, 10.0, 0.0, 2500020.0, 0.0, -10.0};
  const std::vector<std::string> labels = {"rice", "vegetables", "tea", "cây ăn quả ôn đới"};
  const std::string wkt = "PROJCRS[\"WGS 84 / UTM zone 48N\",BASEGEOGCRS[\"WGS 84\"]]";
  const std::string config = "[season]\nname = \"vụ mùa 2026\"\n" + std::string(100000, '#');
  {
    ResultWriter writer(out, 8, 8);
    writer.set_attribute("/", "format", "paddymrv");
    writer.set_attribute("/", "format_version", 1);
    writer.set_attribute("/", "season_name", std::string("vụ mùa 2026"));
    writer.set_attribute("/", "config_toml", config);  // larger than HDF5's 64 KiB header limit
    writer.set_attribute("/", "geotransform", geotransform);
    writer.set_attribute("/", "gwp100", 28.0);
    writer.set_attribute("/", "gwp100", 27.0);  // replaced, not duplicated
    writer.set_attribute("/", "big", int64_t{1} << 60);
    writer.set_attribute("/", "empty_list", std::vector<double>{});
    writer.write_f64("/communes/crop_area_ha", {1, 4}, {1, 2, 3, 4});
    writer.set_attribute("/communes/crop_area_ha", "labels", labels);
    writer.set_attribute("/communes", "note", "a group attribute");
    writer.create_map<uint8_t>("/maps/crop_class", 0, "crop class code, 0 = no data");
    writer.set_attribute("/maps/crop_class", "crs_wkt", wkt);
    writer.set_attribute("/maps/crop_class", "geotransform", geotransform);
    EXPECT_THROW(writer.set_attribute("/maps/missing", "x", 1.0), paddymrv::Error);
    writer.commit();
  }
  const ResultReader reader(out);
  EXPECT_EQ(reader.attribute_string("/", "format"), "paddymrv");
  EXPECT_EQ(reader.attribute_int64("/", "format_version"), 1);
  EXPECT_EQ(reader.attribute_double("/", "format_version"), 1.0);
  EXPECT_EQ(reader.attribute_string("/", "season_name"), "vụ mùa 2026");
  EXPECT_EQ(reader.attribute_string("/", "config_toml"), config);
  EXPECT_EQ(reader.attribute_doubles("/", "geotransform"), geotransform);
  EXPECT_EQ(reader.attribute_double("/", "gwp100"), 27.0);
  EXPECT_EQ(reader.attribute_int64("/", "big"), int64_t{1} << 60);
  EXPECT_TRUE(reader.attribute_doubles("/", "empty_list").empty());
  EXPECT_EQ(reader.attribute_strings("/communes/crop_area_ha", "labels"), labels);
  EXPECT_EQ(reader.attribute_string("/communes", "note"), "a group attribute");
  EXPECT_EQ(reader.attribute_string("/maps/crop_class", "crs_wkt"), wkt);
  EXPECT_EQ(reader.attribute_doubles("/maps/crop_class", "geotransform"), geotransform);
  EXPECT_EQ(reader.attribute_string("/maps/crop_class", "description"),
            "crop class code, 0 = no data");
  EXPECT_TRUE(reader.has_attribute("/", "format"));
  EXPECT_FALSE(reader.has_attribute("/", "nope"));
  EXPECT_FALSE(reader.has_attribute("/no/such/object", "format"));
  EXPECT_THROW(reader.attribute_string("/", "nope"), paddymrv::InputError);
  EXPECT_THROW(reader.attribute_double("/", "format"), paddymrv::InputError);
  EXPECT_THROW(reader.attribute_string("/", "geotransform"), paddymrv::InputError);
  EXPECT_THROW(reader.attribute_double("/", "geotransform"), paddymrv::InputError);
}

TEST(ResultFile, ExistsWalksThePath) {
  TempDir dir;
  const fs::path out = dir / "exists.h5";
  {
    ResultWriter writer(out, 4, 4);
    writer.write_f64("/communes/area_ha", {1}, {3.5});
    writer.commit();
  }
  const ResultReader reader(out);
  EXPECT_TRUE(reader.exists("/"));
  EXPECT_TRUE(reader.exists("/communes"));
  EXPECT_TRUE(reader.exists("/communes/area_ha"));
  EXPECT_FALSE(reader.exists("/communes/name"));
  EXPECT_FALSE(reader.exists("/claims/claim_id"));  // intermediate group missing: false, no throw
  EXPECT_FALSE(reader.exists(""));
}

TEST(ResultFile, UncommittedWriterLeavesNothingAndKeepsTheOlderResult) {
  TempDir dir;
  const fs::path out = dir / "result.h5";
  fs::path tmp;
  {
    ResultWriter writer(out, 16, 16);
    tmp = writer.temporary_path();
    EXPECT_EQ(tmp.parent_path(), out.parent_path());
    EXPECT_EQ(tmp.filename().string(), "result.h5.tmp-" + std::to_string(::getpid()));
    writer.create_map<uint8_t>("/maps/crop_class", 0, "crop");
    EXPECT_TRUE(fs::exists(tmp));
    EXPECT_FALSE(fs::exists(out));
  }  // destroyed without commit: a crash-equivalent abandon
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_FALSE(fs::exists(out));

  // An older result stays byte-identical while a new run is abandoned.
  {
    ResultWriter writer(out, 16, 16);
    writer.set_attribute("/", "run", 1);
    writer.commit();
    EXPECT_FALSE(fs::exists(writer.temporary_path()));
  }
  const std::string older = file_bytes(out);
  ASSERT_FALSE(older.empty());
  {
    ResultWriter writer(out, 16, 16);
    writer.set_attribute("/", "run", 2);
    EXPECT_EQ(file_bytes(out), older);
  }
  EXPECT_EQ(file_bytes(out), older);
  EXPECT_EQ(ResultReader(out).attribute_int64("/", "run"), 1);
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "result.h5") << "left behind: " << entry.path();
  }
}

TEST(ResultFile, CommitReplacesAnOlderResult) {
  TempDir dir;
  const fs::path out = dir / "result.h5";
  {
    ResultWriter writer(out, 16, 16);
    writer.set_attribute("/", "run", 1);
    writer.write_strings("/communes/name", {"Tả Van"});
    writer.commit();
  }
  ResultWriter writer(out, 16, 16);
  writer.set_attribute("/", "run", 3);
  writer.commit();
  EXPECT_FALSE(fs::exists(writer.temporary_path()));
  const ResultReader reader(out);
  EXPECT_EQ(reader.attribute_int64("/", "run"), 3);
  EXPECT_FALSE(reader.exists("/communes/name"));
  // Nothing may be written after commit.
  EXPECT_THROW(writer.set_attribute("/", "run", 4), paddymrv::Error);
  EXPECT_THROW(writer.commit(), paddymrv::Error);
}

TEST(ResultFile, WriterErrorsNameTheFile) {
  TempDir dir;
  auto expect_error_naming = [](const fs::path& out) {
    try {
      ResultWriter writer(out, 8, 8);
      ADD_FAILURE() << "no error for " << out;
    } catch (const paddymrv::Error& e) {
      EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
      EXPECT_EQ(e.exit_code(), paddymrv::kExitInternalError);
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line: " << e.what();
    }
  };
  expect_error_naming(dir / "no" / "such" / "dir" / "result.h5");
  EXPECT_FALSE(fs::exists(dir / "no"));

  // A read-only directory. root ignores permission bits, so then use /proc,
  // which nobody can create files in.
  const fs::path readonly = dir / "readonly";
  fs::create_directory(readonly);
  fs::permissions(readonly, fs::perms::owner_read | fs::perms::owner_exec);
  if (::geteuid() != 0) {
    expect_error_naming(readonly / "result.h5");
    EXPECT_TRUE(fs::is_empty(readonly));
  } else {
    expect_error_naming(fs::path("/proc") / ("paddymrv_test_" + std::to_string(::getpid()) + ".h5"));
  }
  expect_error_naming(dir.path());  // a directory is not a result file

  // Misuse of an open writer is an Error naming the file, and the writer
  // stays usable.
  const fs::path out = dir / "result.h5";
  ResultWriter writer(out, 8, 8);
  writer.create_map<int32_t>("/maps/commune_index", -1, "commune row");
  const std::vector<int32_t> block(16, 7);
  auto expect_throw_naming = [&](auto&& call) {
    try {
      call();
      ADD_FAILURE() << "no error";
    } catch (const paddymrv::Error& e) {
      EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
    }
  };
  expect_throw_naming([&] { writer.write_map_window<int32_t>("/maps/nope", {0, 0, 4, 4}, block.data()); });
  expect_throw_naming([&] { writer.write_map_window<int32_t>("/maps/commune_index", {6, 6, 4, 4}, block.data()); });
  expect_throw_naming([&] { writer.write_map_window<int32_t>("/maps/commune_index", {-1, 0, 4, 4}, block.data()); });
  expect_throw_naming([&] { writer.create_map<int32_t>("/maps/commune_index", -1, "again"); });
  expect_throw_naming([&] { writer.write_strings("/maps/commune_index/inside", {"x"}); });
  expect_throw_naming([&] { writer.write_string_table("/t", {"a", "b"}, {{"only one"}}); });
  expect_throw_naming([&] { writer.write_string_table("/t", {}, {}); });
  expect_throw_naming([&] { writer.set_attribute("/nope", "x", 1.0); });
  writer.write_map_window<int32_t>("/maps/commune_index", {4, 4, 4, 4}, block.data());
  writer.commit();
  const std::vector<int32_t> back = ResultReader(out).read_window<int32_t>("/maps/commune_index", {4, 4, 4, 4});
  EXPECT_EQ(back, block);
}

namespace {

// Runs in a forked child (EXPECT_EXIT): a file-size limit makes every write
// past 256 KiB fail with EFBIG, as a full disk would. Returns 0 if the writer
// threw an Error naming the file and left no file behind.
int disk_full_scenario(const fs::path& out) {
  std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG from write(2) instead of a signal
  rlimit limit{};
  getrlimit(RLIMIT_FSIZE, &limit);
  limit.rlim_cur = 256 * 1024;
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) return 10;
  fs::path tmp;
  bool threw = false;
  try {
    ResultWriter writer(out, 1024, 1024, 256);
    tmp = writer.temporary_path();
    writer.create_map<float>("/maps/noise", 0.0f, "incompressible");
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> noise(0.0f, 1.0f);
    std::vector<float> block(256 * 256);
    for (int y = 0; y < 1024; y += 256) {
      for (int x = 0; x < 1024; x += 256) {
        for (float& v : block) v = noise(rng);
        writer.write_map_window<float>("/maps/noise", {x, y, 256, 256}, block.data());
      }
    }
    writer.commit();
  } catch (const paddymrv::Error& e) {
    threw = true;
    if (std::string(e.what()).find(out.string()) == std::string::npos) return 2;
  }
  if (!threw) return 1;
  if (fs::exists(out)) return 3;
  if (tmp.empty() || fs::exists(tmp)) return 4;
  return 0;
}

}  // namespace

TEST(ResultFile, FullDiskIsAnErrorAndLeavesNoFile) {
  TempDir dir;
  // _exit, not exit: the forked child must not run the static destructors,
  // which would remove the parent's test folders (test::temp_dirs) — other
  // tests' inputs when the suite runs in one process.
  EXPECT_EXIT(::_exit(disk_full_scenario(dir / "full.h5")), ::testing::ExitedWithCode(0), "");
}

TEST(ResultFile, NoHandleLeaks) {
  TempDir dir;
  const fs::path out = dir / "leaks.h5";
  H5open();
  const IdCounts before = IdCounts::now();
  {
    ResultWriter writer(out, 40, 40, 16);
    writer.create_map<uint8_t>("/maps/crop_class", 0, "crop");
    writer.create_map<double>("/qa/x", 0.0, "x");
    const std::vector<uint8_t> block(100, 3);
    writer.write_map_window<uint8_t>("/maps/crop_class", {5, 5, 10, 10}, block.data());
    writer.write_strings("/communes/name", {"Tả Van"});
    writer.write_string_table("/provenance/scenes", {"id", "status"}, {{"a", "used"}});
    writer.write_f64("/communes/area_ha", {1}, {1.0});
    writer.set_attribute("/", "labels", std::vector<std::string>{"a", "b"});
    writer.set_attribute("/", "geotransform", std::vector<double>{1, 2, 3, 4, 5, 6});
    EXPECT_THROW(writer.set_attribute("/missing", "x", 1.0), paddymrv::Error);
    // Only the two maps stay open (they are written window by window).
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_DATASET), 2);
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_GROUP | H5F_OBJ_ATTR | H5F_OBJ_DATATYPE), 0);
    writer.commit();
    EXPECT_EQ(IdCounts::now(), before);
  }
  EXPECT_EQ(IdCounts::now(), before);
  {
    const ResultReader reader(out);
    reader.read<uint8_t>("/maps/crop_class");
    reader.read_window<double>("/qa/x", {1, 1, 3, 3});
    reader.read_strings("/communes/name");
    reader.read_string_table("/provenance/scenes");
    reader.attribute_strings("/", "labels");
    reader.attribute_doubles("/", "geotransform");
    reader.attribute_string("/maps/crop_class", "description");
    reader.exists("/no/such/thing");
    EXPECT_THROW(reader.read<double>("/communes/name"), paddymrv::InputError);
    EXPECT_THROW(reader.read_strings("/communes/nope"), paddymrv::InputError);
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 1);  // the file itself
  }
  EXPECT_EQ(IdCounts::now(), before);
  {
    ResultWriter abandoned(dir / "abandoned.h5", 8, 8);
    abandoned.create_map<uint16_t>("/maps/m", 0, "m");
  }
  EXPECT_EQ(IdCounts::now(), before);
}

TEST(ResultFile, ReaderRejectsMissingAndForeignFiles) {
  TempDir dir;
  auto expect_input_error = [](const fs::path& path) {
    try {
      ResultReader reader(path);
      ADD_FAILURE() << "no error for " << path;
    } catch (const paddymrv::InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path.string(), 0), 0u) << "names the file first: " << e.what();
      EXPECT_EQ(e.exit_code(), paddymrv::kExitInputError);
    }
  };
  expect_input_error(dir / "missing.h5");
  const fs::path text = dir / "not_hdf5.h5";
  std::ofstream(text) << "commune_code,commune_name\n1,Tả Van\n";
  expect_input_error(text);
  const fs::path empty = dir / "empty.h5";
  std::ofstream(empty).close();
  expect_input_error(empty);
  expect_input_error(dir.path());
}

TEST(ResultFile, H5dumpReadsTheFile) {
  if (std::system("command -v h5dump > /dev/null 2>&1") != 0) GTEST_SKIP() << "h5dump not installed";
  TempDir dir;
  const fs::path out = dir / "dump.h5";
  {
    ResultWriter writer(out, 30, 30, 16);
    writer.set_attribute("/", "format", "paddymrv");
    writer.create_map<uint8_t>("/maps/crop_class", 0, "crop class");
    writer.write_strings("/communes/name", {"Tả Van", "Bản Phiệt"});
    writer.write_string_table("/provenance/scenes", {"id", "status"}, {{"a", "used"}});
    writer.commit();
  }
  const fs::path listing = dir / "dump.txt";
  const std::string command = "h5dump -H '" + out.string() + "' > '" + listing.string() + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << file_bytes(listing);
  const std::string header = file_bytes(listing);
  for (const char* expected : {"GROUP \"maps\"", "DATASET \"crop_class\"", "DATASET \"name\"",
                               "DATASET \"scenes\"", "H5T_CSET_UTF8", "ATTRIBUTE \"format\"",
                               "ATTRIBUTE \"_FillValue\""}) {
    EXPECT_NE(header.find(expected), std::string::npos) << expected << " missing in\n" << header;
  }
}
