#pragma once
// The scene-window cache of incremental nights (issue #7, point 2).
//
// A nightly run recomputes the whole season because every kernel that
// matters (multi-temporal speckle filter, flood-cycle detection, crop
// features, the random forest) depends on all the dates at once: a new scene
// changes every pixel's answer. What does not change is the decoded,
// grid-aligned window of an old scene's asset — what WindowReader::read
// returns after warping or 20 m → 10 m replication, nodata → NaN/0 and
// dB → linear. The cache keeps exactly those windows on disk, so a night
// with one new scene decodes one scene and reads the others back as raw
// arrays. A hit returns the very bytes a decode would: results are
// byte-identical with and without the cache.
//
// An entry is one window of one asset, in a folder named after the asset's
// SHA-256 (the content hash provenance computes anyway), in a file named after
// the hash of its full key: asset hash, analysis grid (CRS, geotransform,
// size), window, resampling, element type, effective nodata, dB flag, GDAL
// version and the entry format version. The file starts with a header that
// repeats the key and carries the payload's SHA-256; it is written under a
// temporary name and renamed into place, so `kill -9` or a full disk never
// leaves an entry that is trusted: a short, corrupt or foreign file is logged,
// ignored and rebuilt. No fsync: after a power cut the checksum, not the
// journal, is what rejects a torn entry.
//
// Growth is bounded by mark-and-sweep: every entry a run uses is marked, and
// prune(), called once the run's result is in place, deletes the rest (scenes
// that left the season, a changed grid or block size, temporaries of killed
// runs). One cache folder serves one nightly job: a run holds the folder's
// lock for its life, and a second run finding it taken goes without a cache.
//
// Thread safety: read() may be called from any number of threads at once.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "pipeline/analysis_grid.hpp"
#include "pipeline/run_lock.hpp"
#include "pipeline/scene.hpp"
#include "pipeline/window_reader.hpp"

namespace paddymrv {

struct SceneCacheStats {
  std::uint64_t hits = 0;      // windows served from the cache
  std::uint64_t decoded = 0;   // windows decoded from their file (and stored when cacheable)
  std::uint64_t rejected = 0;  // entries found short, corrupt or foreign (then rebuilt)
  std::uint64_t store_failures = 0;  // entries that could not be written (disk full, …)
};

struct SceneCachePrune {
  std::uint64_t removed_files = 0, removed_bytes = 0;
  std::uint64_t kept_files = 0, kept_bytes = 0;
};

class SceneCache {
 public:
  // Creates `dir` when missing and takes its lock ("<dir>/cache.lock").
  // Throws Error with exit code kExitLocked when another run holds it, Error
  // when the folder cannot be created.
  SceneCache(const std::filesystem::path& dir, const AnalysisGrid& grid);
  SceneCache(const SceneCache&) = delete;
  SceneCache& operator=(const SceneCache&) = delete;

  // The window `w` of asset `a` on the cache's grid, as WindowReader::read
  // gives it. Assets without a content hash bypass the cache. InputError
  // from the reader propagates (nothing is stored then).
  void read(const Asset& a, const PixelWindow& w, Resampling r, std::vector<float>& out);
  void read(const Asset& a, const PixelWindow& w, Resampling r, std::vector<std::uint16_t>& out);
  void read(const Asset& a, const PixelWindow& w, Resampling r, std::vector<std::uint8_t>& out);

  // Forgets the marks and counts of an abandoned pass (the run processes the
  // grid again without a scene that failed to decode).
  void begin_pass();
  SceneCacheStats stats() const;

  // Deletes every file under the folder that this pass did not use. Call only
  // after a successful run.
  SceneCachePrune prune();

  const std::filesystem::path& dir() const { return dir_; }
  const AnalysisGrid& grid() const { return grid_; }
  // Full key of an entry and its path (tests, diagnostics).
  std::string key_text(const Asset& a, const PixelWindow& w, Resampling r, const char* type) const;
  std::filesystem::path entry_path(const Asset& a, const std::string& key_text) const;

 private:
  template <class T>
  void read_any(const Asset& a, const PixelWindow& w, Resampling r, std::vector<T>& out);
  template <class T>
  bool load(const std::filesystem::path& p, const std::string& key, const PixelWindow& w, std::vector<T>& out);
  template <class T>
  void store(const std::filesystem::path& p, const std::string& key, const std::vector<T>& data);
  void mark(const std::filesystem::path& p);

  std::filesystem::path dir_;
  const AnalysisGrid& grid_;
  std::string grid_signature_;
  std::string gdal_version_;  // warping and decoding may change between releases
  std::unique_ptr<RunLock> lock_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> used_;  // entry paths used by this pass
  std::atomic<std::uint64_t> hits_{0}, decoded_{0}, rejected_{0}, store_failures_{0};
  std::atomic<std::uint64_t> temp_counter_{0};
};

// One asset's window: through `cache` when given, else decoded straight from
// the file. The one place block reads go through, so that cached and
// uncached runs differ in nothing but where the bytes come from.
void read_asset_window(SceneCache* cache, const Asset& a, const AnalysisGrid& grid, const PixelWindow& w,
                       Resampling r, std::vector<float>& out);
void read_asset_window(SceneCache* cache, const Asset& a, const AnalysisGrid& grid, const PixelWindow& w,
                       Resampling r, std::vector<std::uint16_t>& out);
void read_asset_window(SceneCache* cache, const Asset& a, const AnalysisGrid& grid, const PixelWindow& w,
                       Resampling r, std::vector<std::uint8_t>& out);

}  // namespace paddymrv
