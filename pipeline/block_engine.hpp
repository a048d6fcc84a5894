#pragma once
// The streaming block engine: the analysis grid is cut into blocks; each
// block, with the whole time stack of its scenes, goes through
//   serial in-order source → parallel read+compute → serial in-order sink
// on a tbb::parallel_pipeline whose token count bounds how many blocks are
// in memory at once (DESIGN §2). The sink sees blocks in grid order, so
// writing and accumulator merging are deterministic whatever the threads.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kernels/commune_accumulator.hpp"
#include "kernels/field_series.hpp"
#include "kernels/flood_cycle.hpp"
#include "kernels/optical_field_series.hpp"
#include "kernels/speckle_filter.hpp"
#include "pipeline/analysis_grid.hpp"
#include "pipeline/polygon_layer.hpp"
#include "pipeline/scene.hpp"
#include "pipeline/window_reader.hpp"

namespace paddymrv {

struct Config;
struct CropModel;
class SceneCache;

// What one block produces: its maps and its per-commune partial totals.
struct BlockProducts {
  std::size_t index = 0;  // position in grid order
  PixelWindow window;
  std::vector<std::int32_t> commune;
  std::vector<std::uint16_t> s1_count;     // usable S1 dates
  std::vector<std::uint16_t> s2_clear;     // clear S2 dates
  std::vector<std::uint16_t> s1_max_gap;   // longest gap between usable S1 dates, days
  std::vector<std::uint8_t> water_regime;  // /maps/water_regime codes
  std::vector<std::uint8_t> drainage_events;  // 255 where not determined
  std::vector<std::uint8_t> regime_confidence;  // 0–100, 0 where not rice
  std::vector<std::uint16_t> cultivation_days;  // 0 where not rice
  std::vector<std::uint8_t> crop_class;         // /maps/crop_class when a model is given
  std::vector<std::int64_t> crop_pixels;        // [commune × model class] pixel counts
  kernels::CommuneAccumulator totals{0};
  kernels::FieldSeriesAccumulator claims;  // field-averaged series of claimed fields
  kernels::OpticalFieldAccumulator claims_optical;  // their clear-sky NDVI/LSWI, per season_s2_scenes() date
};

// Scenes whose pixels could not be decoded while processing blocks (a
// truncated or corrupt file whose header was fine). Shared by the parallel
// stage; the run quarantines them and processes the grid again without them,
// so that no block used a scene that others lacked.
class SceneFailures {
 public:
  void record(const std::string& scene_id, const std::string& reason);
  bool has(const std::string& scene_id) const;
  std::map<std::string, std::string> take();  // id → first reason

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> failures_;
};

struct EngineInputs {
  const Config* config = nullptr;
  const AnalysisGrid* grid = nullptr;
  const PolygonLayer* communes = nullptr;
  const PolygonLayer* claims = nullptr;  // may be null
  std::string rice_mask_path;            // "" = the Sentinel-1 rice detector
  const CropModel* model = nullptr;      // crop classifier; when set, rice = its class 1
  kernels::FloodCycleParams flood;       // detector settings (from the config)
  std::vector<const Scene*> s1;  // used scenes, time order
  std::vector<const Scene*> s2;
  std::chrono::sys_days season_start{};
  std::chrono::sys_days season_end{};
  SceneFailures* failures = nullptr;  // where decode failures are reported
  // Decoded scene windows kept from earlier nights (engine.cache_dir); null =
  // decode every window. Scene reads go through read_asset_window with it.
  SceneCache* cache = nullptr;
};

// In-season Sentinel-1 scenes and their day numbers (the dates of the
// water-regime series and of the claims' field series).
std::vector<int> season_days(const EngineInputs& in);
// In-season Sentinel-2 scenes (from the season start on), in catalogue time
// order: the dates of the claims' clear-sky NDVI/LSWI series.
std::vector<const Scene*> season_s2_scenes(const EngineInputs& in);

// The window grown by `halo` pixels on each side, clipped to the grid.
PixelWindow with_halo(const PixelWindow& w, int halo, const AnalysisGrid& g);

// The Sentinel-1 stack of a window: the used scenes whose day number (from
// the season start) is in [first_day, end_day), VV and VH linear power, NaN
// where missing. A scene that fails to decode is reported to in.failures and
// reads as all NaN (the run then reprocesses the grid without it).
struct S1Stack {
  std::vector<int> days;
  std::vector<std::vector<float>> vv, vh;
};
S1Stack read_s1_stack(const EngineInputs& in, const PixelWindow& window, int first_day, int end_day);
// The configured multi-temporal speckle filter (water_regime.speckle_window,
// s1_looks) applied in place to a stack read on `window`; returns the
// parameters it used.
kernels::SpeckleFilterParams despeckle(S1Stack& stack, const PixelWindow& window, const Config& cfg);
// The same with the filter's window (≤ 1: off) and looks given.
kernels::SpeckleFilterParams despeckle(S1Stack& stack, const PixelWindow& window, int filter_window, double looks);

// The parallel stage: reads every scene's window of the block (the radar
// stack with the speckle filter's halo) and runs the kernels. A pure
// function of (inputs, window) apart from reporting decode failures.
BlockProducts process_block(const EngineInputs& in, std::size_t index, const PixelWindow& w);

// The block side the engine uses: `block_size` rounded up to a multiple of
// water_regime.segment_tile, so that no block edge cuts a segment tile and
// the maps do not depend on the block size.
int engine_block_size(const Config& cfg, int block_size);

struct EngineOptions {
  int threads = 0;           // 0 = all cores
  int blocks_in_flight = 0;  // 0 = 2 × threads
  int block_size = 512;
};

// Runs every block; `sink` is called once per block, in grid order, on one
// thread at a time. `progress(done, total)` is called from the sink stage.
void run_block_engine(const EngineInputs& in, const EngineOptions& opt,
                      const std::function<void(BlockProducts&)>& sink,
                      const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace paddymrv
