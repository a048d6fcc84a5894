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
#include "pipeline/analysis_grid.hpp"
#include "pipeline/commune_layer.hpp"
#include "pipeline/scene.hpp"
#include "pipeline/window_reader.hpp"

namespace paddymrv {

struct Config;

// What one block produces: its maps and its per-commune partial totals.
struct BlockProducts {
  std::size_t index = 0;  // position in grid order
  PixelWindow window;
  std::vector<std::int32_t> commune;
  std::vector<std::uint16_t> s1_count;     // usable S1 dates
  std::vector<std::uint16_t> s2_clear;     // clear S2 dates
  std::vector<std::uint16_t> s1_max_gap;   // longest gap between usable S1 dates, days
  kernels::CommuneAccumulator totals{0};
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
  const CommuneLayer* communes = nullptr;
  std::vector<const Scene*> s1;  // used scenes, time order
  std::vector<const Scene*> s2;
  std::chrono::sys_days season_start{};
  std::chrono::sys_days season_end{};
  SceneFailures* failures = nullptr;  // where decode failures are reported
};

// The parallel stage: reads every scene's window of the block and runs the
// kernels. Pure function of (inputs, window): no shared mutable state.
BlockProducts process_block(const EngineInputs& in, std::size_t index, const PixelWindow& w);

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
