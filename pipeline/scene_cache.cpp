#include "pipeline/scene_cache.hpp"

#include <fcntl.h>
#include <gdal.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <type_traits>

#include "pipeline/errors.hpp"
#include "pipeline/provenance.hpp"

namespace fs = std::filesystem;

namespace paddymrv {

namespace {

// Bump when the entry layout or what a window means changes: old entries
// then miss (their key differs) and the next prune removes them.
constexpr const char* kFormat = "paddymrv scene-window cache 1";
constexpr char kMagic[8] = {'P', 'M', 'R', 'V', 'W', 'I', 'N', '1'};
// magic, key length, payload length, payload SHA-256; then key, then payload.
constexpr std::size_t kHeaderBytes = 8 + 8 + 8 + 32;
// The cache-folder tag of https://bford.info/cachedir/: backup tools skip
// the folder, and prune() refuses to sweep a folder that lacks it.
constexpr const char* kTagName = "CACHEDIR.TAG";
constexpr const char* kTagText =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is a paddymrv scene-window cache (engine.cache_dir); it can be deleted at any time.\n";
// A damaged cache could otherwise write one warning per window.
constexpr std::uint64_t kMaxRejectWarnings = 5;

template <class T>
constexpr const char* type_name() {
  if constexpr (std::is_same_v<T, float>) return "float32";
  if constexpr (std::is_same_v<T, std::uint16_t>) return "uint16";
  if constexpr (std::is_same_v<T, std::uint8_t>) return "uint8";
}

using Digest = std::array<unsigned char, 32>;
Digest payload_digest(const void* data, std::size_t n) {
  Digest d{};
  unsigned int len = 0;
  EVP_Digest(data, n, d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Entries and the temporaries of interrupted writes: the only files prune()
// may delete, whatever else someone put in the folder.
bool is_cache_file(const std::string& name) {
  return (name.size() > 4 && name.ends_with(".win")) || (name.starts_with(".") && name.find(".win.tmp-") != std::string::npos);
}

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

bool pread_full(int fd, void* buf, std::size_t n, off_t offset) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
    offset += got;
  }
  return true;
}

bool write_full(int fd, const void* buf, std::size_t n) {
  const auto* p = static_cast<const char*>(buf);
  while (n > 0) {
    const ssize_t put = ::write(fd, p, n);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    p += put;
    n -= static_cast<std::size_t>(put);
  }
  return true;
}

std::string grid_signature(const AnalysisGrid& g) {
  std::string s = g.crs_wkt + "\n";
  char buf[64];
  for (double v : g.geotransform()) {
    std::snprintf(buf, sizeof buf, "%.17g ", v);
    s += buf;
  }
  s += "\n" + std::to_string(g.width) + "x" + std::to_string(g.height);
  return sha256_text(s);
}

template <class T>
void decode(const Asset& a, const AnalysisGrid& grid, const PixelWindow& w, Resampling r, std::vector<T>& out) {
  WindowReader reader(a.path, a.nodata, grid);
  reader.set_decibels(a.decibels);
  reader.read(w, r, out);
}

}  // namespace

SceneCache::SceneCache(const fs::path& dir, const AnalysisGrid& grid) : grid_(grid) {
  dir_ = fs::absolute(dir).lexically_normal();
  if (dir_.filename().empty()) dir_ = dir_.parent_path();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (!fs::is_directory(dir_)) {
    throw Error(dir_.string() + ": cannot create the scene cache folder" + (ec ? ": " + ec.message() : ""));
  }
  const fs::path tag = dir_ / kTagName;
  if (!fs::exists(tag)) {
    // Pruning deletes what a run did not use: never in a folder that holds
    // anything but a cache.
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (name != "cache.lock") {
        throw ConfigError("engine.cache_dir: " + dir_.string() +
                          " is not empty and not a paddymrv cache (no CACHEDIR.TAG); give an empty or new folder");
      }
    }
    std::ofstream(tag) << kTagText;
  }
  lock_ = std::make_unique<RunLock>(dir_ / "cache");
  grid_signature_ = grid_signature(grid);
  gdal_version_ = GDALVersionInfo("RELEASE_NAME");
}

std::string SceneCache::key_text(const Asset& a, const PixelWindow& w, Resampling r, const char* type) const {
  std::string nodata = "none";
  if (a.nodata) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *a.nodata);
    nodata = buf;
  }
  return std::string(kFormat) + "\ngdal " + gdal_version_ + "\nasset " + a.sha256 + "\ngrid " +
         grid_signature_ + "\nwindow " + std::to_string(w.x0) + " " + std::to_string(w.y0) + " " +
         std::to_string(w.width) + " " + std::to_string(w.height) + "\nresampling " +
         (r == Resampling::bilinear ? "bilinear" : "nearest") + "\ntype " + type + "\nnodata " + nodata +
         "\ndecibels " + (a.decibels ? "1" : "0") + "\n";
}

fs::path SceneCache::entry_path(const Asset& a, const std::string& key) const {
  return dir_ / a.sha256 / (sha256_text(key).substr(0, 40) + ".win");
}

void SceneCache::mark(const fs::path& p) {
  std::lock_guard lock(mutex_);
  used_.insert(p.lexically_relative(dir_).string());
}

void SceneCache::begin_pass() {
  std::lock_guard lock(mutex_);
  used_.clear();
  hits_ = decoded_ = rejected_ = store_failures_ = 0;
}

SceneCacheStats SceneCache::stats() const { return {hits_, decoded_, rejected_, store_failures_}; }

template <class T>
bool SceneCache::load(const fs::path& p, const std::string& key, const PixelWindow& w, std::vector<T>& out) {
  const Fd f(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) return false;  // not cached yet
  const std::uint64_t payload = static_cast<std::uint64_t>(w.pixels()) * sizeof(T);
  const std::string why = [&]() -> std::string {
    struct stat st {};
    if (::fstat(f.fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) != kHeaderBytes + key.size() + payload) {
      return "wrong size (an interrupted or foreign write)";
    }
    std::vector<char> head(kHeaderBytes + key.size());
    if (!pread_full(f.fd, head.data(), head.size(), 0)) return "unreadable header";
    std::uint64_t key_len = 0, payload_len = 0;
    std::memcpy(&key_len, head.data() + 8, 8);
    std::memcpy(&payload_len, head.data() + 16, 8);
    if (std::memcmp(head.data(), kMagic, 8) != 0 || key_len != key.size() || payload_len != payload ||
        std::memcmp(head.data() + kHeaderBytes, key.data(), key.size()) != 0) {
      return "header does not match the key";
    }
    out.resize(w.pixels());
    if (!pread_full(f.fd, out.data(), payload, static_cast<off_t>(head.size()))) return "unreadable payload";
    Digest stored{};
    std::memcpy(stored.data(), head.data() + 24, stored.size());
    if (payload_digest(out.data(), payload) != stored) return "checksum mismatch";
    return "";
  }();
  if (why.empty()) return true;
  if (++rejected_ <= kMaxRejectWarnings) {
    spdlog::warn("scene cache: ignoring {}: {}; decoding the window again", p.string(), why);
  }
  return false;
}

template <class T>
void SceneCache::store(const fs::path& p, const std::string& key, const std::vector<T>& data) {
  const std::uint64_t payload = static_cast<std::uint64_t>(data.size()) * sizeof(T);
  std::array<char, kHeaderBytes> head{};
  const std::uint64_t key_len = key.size();
  std::memcpy(head.data(), kMagic, 8);
  std::memcpy(head.data() + 8, &key_len, 8);
  std::memcpy(head.data() + 16, &payload, 8);
  const Digest d = payload_digest(data.data(), payload);
  std::memcpy(head.data() + 24, d.data(), 32);

  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  // Unique per process and write: concurrent writers of one entry (two jobs
  // sharing scenes through hard links, say) never share a temporary.
  const fs::path tmp = p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                                          std::to_string(temp_counter_.fetch_add(1)));
  std::string why;
  {
    const Fd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (f.fd < 0) {
      why = std::strerror(errno);
    } else if (!write_full(f.fd, head.data(), head.size()) || !write_full(f.fd, key.data(), key.size()) ||
               !write_full(f.fd, data.data(), payload)) {
      why = std::strerror(errno);
    }
  }
  if (why.empty() && ::rename(tmp.c_str(), p.c_str()) != 0) why = std::strerror(errno);
  if (why.empty()) return;
  ::unlink(tmp.c_str());
  if (store_failures_++ == 0) {
    spdlog::warn("scene cache: cannot write {}: {}; the run goes on, decoding what it cannot cache", p.string(),
                 why);
  }
}

template <class T>
void SceneCache::read_any(const Asset& a, const PixelWindow& w, Resampling r, std::vector<T>& out) {
  if (a.sha256.empty()) {  // not hashed: its content is not known, so not cacheable
    decode(a, grid_, w, r, out);
    ++decoded_;
    return;
  }
  const std::string key = key_text(a, w, r, type_name<T>());
  const fs::path p = entry_path(a, key);
  mark(p);
  if (load(p, key, w, out)) {
    ++hits_;
    return;
  }
  decode(a, grid_, w, r, out);
  ++decoded_;
  store(p, key, out);
}

void SceneCache::read(const Asset& a, const PixelWindow& w, Resampling r, std::vector<float>& out) {
  read_any(a, w, r, out);
}
void SceneCache::read(const Asset& a, const PixelWindow& w, Resampling r, std::vector<std::uint16_t>& out) {
  read_any(a, w, r, out);
}
void SceneCache::read(const Asset& a, const PixelWindow& w, Resampling r, std::vector<std::uint8_t>& out) {
  read_any(a, w, r, out);
}

SceneCachePrune SceneCache::prune() {
  SceneCachePrune res;
  std::lock_guard lock(mutex_);
  std::error_code ec;
  for (const auto& sub : fs::directory_iterator(dir_, ec)) {
    if (sub.is_symlink() || !sub.is_directory() || !is_hex64(sub.path().filename().string())) continue;
    for (const auto& e : fs::directory_iterator(sub.path(), ec)) {
      const std::string name = e.path().filename().string();
      if (!e.is_regular_file() || !is_cache_file(name)) continue;
      const std::uint64_t bytes = e.file_size(ec);
      if (used_.count(e.path().lexically_relative(dir_).string())) {
        ++res.kept_files;
        res.kept_bytes += bytes;
      } else if (fs::remove(e.path(), ec)) {
        ++res.removed_files;
        res.removed_bytes += bytes;
      }
    }
    fs::remove(sub.path(), ec);  // only succeeds when empty: a scene that left the season
  }
  return res;
}

namespace {
// A cache serves the grid it was opened for; any other grid's reads decode.
bool use(const SceneCache* cache, const AnalysisGrid& grid) {
  if (!cache) return false;
  const AnalysisGrid& g = cache->grid();
  return &g == &grid || (g.geotransform() == grid.geotransform() && g.width == grid.width &&
                         g.height == grid.height && g.crs_wkt == grid.crs_wkt);
}
}  // namespace

void read_asset_window(SceneCache* cache, const Asset& a, const AnalysisGrid& grid, const PixelWindow& w,
                       Resampling r, std::vector<float>& out) {
  use(cache, grid) ? cache->read(a, w, r, out) : decode(a, grid, w, r, out);
}
void read_asset_window(SceneCache* cache, const Asset& a, const AnalysisGrid& grid, const PixelWindow& w,
                       Resampling r, std::vector<std::uint16_t>& out) {
  use(cache, grid) ? cache->read(a, w, r, out) : decode(a, grid, w, r, out);
}
void read_asset_window(SceneCache* cache, const Asset& a, const AnalysisGrid& grid, const PixelWindow& w,
                       Resampling r, std::vector<std::uint8_t>& out) {
  use(cache, grid) ? cache->read(a, w, r, out) : decode(a, grid, w, r, out);
}

}  // namespace paddymrv
