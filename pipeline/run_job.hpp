#pragma once
// `paddymrv run` as a function: catalogue → grid → communes → scene checks
// → block engine → HDF5 result, renamed into place at the end.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernels/flood_cycle.hpp"
#include "pipeline/config.hpp"

namespace paddymrv {

struct CommuneSummary {
  std::string code, name;
  double area_ha = 0;
  double s1_observations_mean = 0;  // usable S1 dates per pixel
  double s2_clear_mean = 0;         // clear S2 dates per pixel
};

struct RunSummary {
  std::string out_path;
  std::size_t scenes_used = 0, scenes_quarantined = 0, scenes_skipped = 0;
  std::size_t s1_used = 0, s2_used = 0;
  int width = 0, height = 0, blocks = 0;
  std::vector<CommuneSummary> communes;
  std::vector<std::string> quarantine_reasons;  // "id: reason"
  bool dry_run = false;
  int exit_code = 0;
  // Scene-window cache (engine.cache_dir): windows served from it and
  // decoded from files in the final pass, and its size after pruning.
  std::uint64_t cache_hits = 0, cache_decoded = 0, cache_bytes = 0;
};

struct RunOptions {
  bool dry_run = false;  // stop after the checks: list what would be processed
  std::function<void(std::size_t done, std::size_t total)> progress;
};

RunSummary run_job(const Config& config, const RunOptions& options = {});

// The detector settings of the config's [water_regime] section.
kernels::FloodCycleParams flood_cycle_params(const Config& config);

}  // namespace paddymrv
