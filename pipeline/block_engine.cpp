#include "pipeline/block_engine.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <memory>
#include <utility>

#include "kernels/observation_count.hpp"
#include "pipeline/config.hpp"
#include "pipeline/errors.hpp"

namespace paddymrv {

void SceneFailures::record(const std::string& id, const std::string& reason) {
  std::lock_guard lock(mutex_);
  failures_.emplace(id, reason);
}
bool SceneFailures::has(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return failures_.count(id) > 0;
}
std::map<std::string, std::string> SceneFailures::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(failures_, {});
}

namespace {
int day_number(std::chrono::sys_days d, std::chrono::sys_days origin) { return (d - origin).count(); }
}  // namespace

BlockProducts process_block(const EngineInputs& in, std::size_t index, const PixelWindow& w) {
  const Config& cfg = *in.config;
  const std::size_t n = w.pixels();
  BlockProducts b;
  b.index = index;
  b.window = w;
  b.totals = kernels::CommuneAccumulator(in.communes->size());
  in.communes->rasterize(*in.grid, w, b.commune);
  b.s1_count.assign(n, 0);
  b.s2_clear.assign(n, 0);
  b.s1_max_gap.assign(n, 0);

  const Resampling s1_resampling = cfg.s1_resampling == "bilinear" ? Resampling::bilinear : Resampling::nearest;
  std::vector<float> vv, vh;
  std::vector<std::uint8_t> usable(n);
  kernels::GapTracker gaps(n, 0);
  for (const Scene* s : in.s1) {
    const int day = day_number(s->day(), in.season_start);
    if (day < 0) continue;  // look-back scenes feed crop features, not in-season counts
    const Asset& a_vv = s->assets.at("vv");
    const Asset& a_vh = s->assets.at("vh");
    try {
      WindowReader(a_vv.path, a_vv.nodata, *in.grid).read(w, s1_resampling, vv);
      WindowReader(a_vh.path, a_vh.nodata, *in.grid).read(w, s1_resampling, vh);
    } catch (const InputError& e) {
      if (!in.failures) throw;
      in.failures->record(s->id, e.what());
      continue;
    }
    kernels::add_s1_observations(vv, vh, b.s1_count, usable);
    gaps.add(day, usable);
  }
  gaps.finish(day_number(in.season_end, in.season_start), b.s1_max_gap);

  const auto scl_mask = kernels::SclMask::from(cfg.s2_usable_scl);
  std::vector<std::uint8_t> scl;
  for (const Scene* s : in.s2) {
    if (s->day() < in.season_start) continue;
    const Asset& a = s->assets.at("SCL");
    try {
      // SCL is categorical: always nearest.
      WindowReader(a.path, a.nodata, *in.grid).read(w, Resampling::nearest, scl);
    } catch (const InputError& e) {
      if (!in.failures) throw;
      in.failures->record(s->id, e.what());
      continue;
    }
    kernels::add_s2_clear(scl, scl_mask, b.s2_clear);
  }
  b.totals.add_block(b.commune, b.s1_count, b.s2_clear);
  return b;
}

void run_block_engine(const EngineInputs& in, const EngineOptions& opt,
                      const std::function<void(BlockProducts&)>& sink,
                      const std::function<void(std::size_t, std::size_t)>& progress) {
  const int threads = opt.threads > 0 ? opt.threads : tbb::info::default_concurrency();
  const int tokens = opt.blocks_in_flight > 0 ? opt.blocks_in_flight : 2 * threads;
  const auto windows = in.grid->blocks(opt.block_size);
  std::size_t next = 0, done = 0;

  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<std::size_t>(tokens),
        tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                                            [&](tbb::flow_control& fc) -> std::size_t {
                                              if (next >= windows.size()) {
                                                fc.stop();
                                                return 0;
                                              }
                                              return next++;
                                            }) &
            tbb::make_filter<std::size_t, std::shared_ptr<BlockProducts>>(
                tbb::filter_mode::parallel,
                [&](std::size_t i) {
                  return std::make_shared<BlockProducts>(process_block(in, i, windows[i]));
                }) &
            tbb::make_filter<std::shared_ptr<BlockProducts>, void>(tbb::filter_mode::serial_in_order,
                                                                   [&](std::shared_ptr<BlockProducts> b) {
                                                                     sink(*b);
                                                                     ++done;
                                                                     if (progress) progress(done, windows.size());
                                                                   }));
  });
}

}  // namespace paddymrv
