#include "pipeline/block_engine.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "kernels/observation_count.hpp"
#include "kernels/s2_indices.hpp"
#include "kernels/series_segmentation.hpp"
#include "kernels/speckle_filter.hpp"
#include "pipeline/config.hpp"
#include "pipeline/crop_features_block.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/scene_cache.hpp"

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

std::vector<int> season_days(const EngineInputs& in) {
  std::vector<int> days;
  for (const Scene* s : in.s1) {
    const int d = day_number(s->day(), in.season_start);
    if (d >= 0) days.push_back(d);
  }
  return days;
}

std::vector<const Scene*> season_s2_scenes(const EngineInputs& in) {
  std::vector<const Scene*> out;
  for (const Scene* s : in.s2)
    if (s->day() >= in.season_start) out.push_back(s);
  return out;
}

namespace {

// Copies the core window `w` out of a buffer laid out on the padded window `p`.
template <class T>
void crop(const std::vector<T>& padded, const PixelWindow& p, const PixelWindow& w, std::vector<T>& out) {
  out.resize(w.pixels());
  for (int y = 0; y < w.height; ++y) {
    const T* src = padded.data() + static_cast<std::size_t>(y + w.y0 - p.y0) * p.width + (w.x0 - p.x0);
    std::copy(src, src + w.width, out.data() + static_cast<std::size_t>(y) * w.width);
  }
}

// The smallest window of the grid holding every pixel of `w` that lies in a
// field (field[i] ≥ 0); nullopt when there is none.
std::optional<PixelWindow> field_bounds(const std::vector<std::int32_t>& field, const PixelWindow& w) {
  int x0 = w.width, y0 = w.height, x1 = -1, y1 = -1;
  for (int y = 0; y < w.height; ++y)
    for (int x = 0; x < w.width; ++x)
      if (field[static_cast<std::size_t>(y) * w.width + x] >= 0) {
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
  if (x1 < 0) return std::nullopt;
  return PixelWindow{w.x0 + x0, w.y0 + y0, x1 - x0 + 1, y1 - y0 + 1};
}

// Water regimes per segment (kernels/series_segmentation.hpp): on the
// grid-aligned segment_tile lattice, the masked pixels are segmented on their
// unfiltered VV/VH series in dB; each segment of at least segment_min_pixels
// is decided once on its mean linear series, with the looks of its pixel
// count (as a claimed field is), and painted on all its pixels (`decided`
// set). Tiles are cut at the block only when the block size is not a
// multiple of the tile (engine_block_size prevents it).
template <class Paint>
void decide_segments(const S1Stack& stack, const PixelWindow& padded, const PixelWindow& w,
                     const std::vector<std::uint8_t>& mask, const Config& cfg, const kernels::FloodCycleParams& flood,
                     std::vector<std::uint8_t>& decided, Paint&& paint) {
  const std::size_t D = stack.days.size();
  auto pad = [&](std::size_t i) {
    return static_cast<std::size_t>(static_cast<int>(i / w.width) + w.y0 - padded.y0) * padded.width +
           static_cast<std::size_t>(static_cast<int>(i % w.width) + w.x0 - padded.x0);
  };
  // Value 2d is date d's VV in dB, 2d + 1 its VH.
  const std::vector<std::int32_t> label = kernels::segment_tiles(
      w.x0, w.y0, w.width, w.height, cfg.segment_tile, mask, 2 * D,
      [&](std::size_t i, std::size_t k) {
        const std::size_t d = k / 2, pi = pad(i);
        const float vv = stack.vv[d][pi], vh = stack.vh[d][pi];
        if (!kernels::s1_usable(vv, vh)) return NAN;
        return 10.0f * std::log10(k % 2 ? vh : vv);
      },
      {cfg.segment_max_cost, cfg.segment_max_pixels});
  std::int32_t n_seg = 0;
  for (const std::int32_t l : label) n_seg = std::max(n_seg, l + 1);
  // Sums in block raster order: a segment lies in one tile, so its pixels
  // are added in the tile's raster order whatever the block.
  std::vector<double> sum_vv(static_cast<std::size_t>(n_seg) * D, 0.0), sum_vh(sum_vv.size(), 0.0);
  std::vector<std::int32_t> count(sum_vv.size(), 0), pixels(static_cast<std::size_t>(n_seg), 0);
  for (std::size_t i = 0; i < label.size(); ++i) {
    if (label[i] < 0) continue;
    const std::size_t k = static_cast<std::size_t>(label[i]);
    ++pixels[k];
    for (std::size_t d = 0; d < D; ++d) {
      const float vv = stack.vv[d][pad(i)], vh = stack.vh[d][pad(i)];
      if (!kernels::s1_usable(vv, vh)) continue;
      sum_vv[k * D + d] += vv, sum_vh[k * D + d] += vh, ++count[k * D + d];
    }
  }
  std::vector<float> mv(D), mh(D);
  kernels::FloodCycleScratch scratch;
  std::vector<std::optional<kernels::FloodCycle>> cycle(static_cast<std::size_t>(n_seg));
  for (std::size_t k = 0; k < cycle.size(); ++k) {
    if (pixels[k] < cfg.segment_min_pixels) continue;
    std::int32_t most = 0;
    for (std::size_t d = 0; d < D; ++d) {
      const std::int32_t c = count[k * D + d];
      most = std::max(most, c);
      mv[d] = c > 0 ? static_cast<float>(sum_vv[k * D + d] / c) : NAN;
      mh[d] = c > 0 ? static_cast<float>(sum_vh[k * D + d] / c) : NAN;
    }
    cycle[k] = kernels::detect_flood_cycle({stack.days, mv, mh, cfg.s1_looks * std::max(1, most)}, flood, scratch);
  }
  for (std::size_t i = 0; i < label.size(); ++i) {
    if (label[i] < 0 || !cycle[static_cast<std::size_t>(label[i])]) continue;
    decided[i] = 1;
    paint(i, *cycle[static_cast<std::size_t>(label[i])]);
  }
}

}  // namespace

PixelWindow with_halo(const PixelWindow& w, int halo, const AnalysisGrid& g) {
  const int x0 = std::max(0, w.x0 - halo), y0 = std::max(0, w.y0 - halo);
  const int x1 = std::min(g.width, w.x0 + w.width + halo), y1 = std::min(g.height, w.y0 + w.height + halo);
  return {x0, y0, x1 - x0, y1 - y0};
}

kernels::SpeckleFilterParams despeckle(S1Stack& stack, const PixelWindow& window, const Config& cfg) {
  return despeckle(stack, window, cfg.speckle_window, cfg.s1_looks);
}

kernels::SpeckleFilterParams despeckle(S1Stack& stack, const PixelWindow& window, int filter_window, double looks) {
  kernels::SpeckleFilterParams sp;
  sp.window = filter_window;
  sp.looks = static_cast<float>(looks);
  if (!stack.vv.empty() && sp.window > 1) {
    kernels::quegan_filter(stack.vv, window.width, window.height, sp);
    kernels::quegan_filter(stack.vh, window.width, window.height, sp);
  }
  return sp;
}

S1Stack read_s1_stack(const EngineInputs& in, const PixelWindow& window, int first_day, int end_day) {
  const Config& cfg = *in.config;
  const Resampling resampling = cfg.s1_resampling == "bilinear" ? Resampling::bilinear : Resampling::nearest;
  S1Stack st;
  for (const Scene* s : in.s1) {
    const int day = day_number(s->day(), in.season_start);
    if (day < first_day || day >= end_day) continue;
    std::vector<float> vv, vh;
    const Asset& a_vv = s->assets.at("vv");
    const Asset& a_vh = s->assets.at("vh");
    try {
      read_asset_window(in.cache, a_vv, *in.grid, window, resampling, vv);
      read_asset_window(in.cache, a_vh, *in.grid, window, resampling, vh);
    } catch (const InputError& e) {
      if (!in.failures) throw;
      in.failures->record(s->id, e.what());
      vv.assign(window.pixels(), NAN);
      vh.assign(window.pixels(), NAN);
    }
    st.days.push_back(day);
    st.vv.push_back(std::move(vv));
    st.vh.push_back(std::move(vh));
  }
  return st;
}

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
  std::vector<std::int32_t> claim;
  if (in.claims) in.claims->rasterize(*in.grid, w, claim);

  // --- the radar stack, read with the speckle filter's halo.
  const PixelWindow padded = with_halo(w, cfg.speckle_window / 2, *in.grid);
  const std::vector<int> days = season_days(in);
  b.claims = kernels::FieldSeriesAccumulator(days.size());
  // Look-back scenes (day < 0) feed crop features, not the season's flooding.
  // With a crop model, its features need the same scenes (and the look-back
  // ones) on a window grown by the majority filter's halo: one read serves
  // both, where each used to warp every radar scene again (≈ 8 % of a run).
  // A warped pixel does not depend on the window it is read in
  // (window_reader.hpp), so the regimes' stack is the shared one cropped.
  S1Stack stack, crop_s1;
  const CropPostProcessing post_processing = CropPostProcessing::from(cfg);
  if (in.model) {
    const PixelWindow cw = crop_s1_stack_window(
        in, context_window(in, classify_window(in, w, post_processing), in.model->context_radius));
    const auto [first_day, end_day] = crop_s1_day_range(in);
    S1Stack all = read_s1_stack(in, cw, std::min(first_day, 0), std::numeric_limits<int>::max());
    for (std::size_t d = 0; d < all.days.size(); ++d) {
      const int day = all.days[d];
      if (day >= 0) {
        stack.days.push_back(day);
        crop(all.vv[d], cw, padded, stack.vv.emplace_back());
        crop(all.vh[d], cw, padded, stack.vh.emplace_back());
      }
      if (day >= first_day && day < end_day) {
        crop_s1.days.push_back(day);
        crop_s1.vv.push_back(std::move(all.vv[d]));
        crop_s1.vh.push_back(std::move(all.vh[d]));
      }
    }
  } else {
    stack = read_s1_stack(in, padded, 0, std::numeric_limits<int>::max());
  }
  std::vector<std::vector<float>>& vv_stack = stack.vv;
  std::vector<std::vector<float>>& vh_stack = stack.vh;

  // --- where regimes are decided: the crop map's rice (class 1, after its
  // majority filter, so maps, areas and regimes agree), a given rice mask,
  // or, with neither, every pixel the radar shows as a paddy.
  std::vector<std::uint8_t> rice(n, 1);
  if (in.model) {
    b.crop_class = classify_crops(in, w, *in.model, post_processing, &crop_s1);
    const std::size_t C = in.model->classes.size();
    b.crop_pixels.assign(in.communes->size() * C, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const int row = in.model->class_index(b.crop_class[i]);
      rice[i] = b.crop_class[i] == 1;  // class code 1 = rice (DESIGN §3)
      if (row >= 0 && b.commune[i] >= 0) ++b.crop_pixels[static_cast<std::size_t>(b.commune[i]) * C + row];
    }
  } else if (!in.rice_mask_path.empty()) {
    std::vector<std::uint8_t> cls;
    WindowReader(in.rice_mask_path, std::nullopt, *in.grid).read(w, Resampling::nearest, cls);
    for (std::size_t i = 0; i < n; ++i) rice[i] = cls[i] == 1;  // class code 1 = rice (DESIGN §3)
  }
  const bool s1_rice_detector = !in.model && in.rice_mask_path.empty();
  b.water_regime.assign(n, 0);
  b.drainage_events.assign(n, 255);
  b.regime_confidence.assign(n, 0);
  b.cultivation_days.assign(n, 0);
  std::vector<std::uint8_t> decided(n, 0);
  // One pixel's (or its segment's) flooding cycle into the maps; false when
  // the S1 rice detector says it is no paddy.
  auto paint = [&](std::size_t i, const kernels::FloodCycle& c) {
    if (s1_rice_detector && !kernels::looks_like_paddy(c, cfg.min_canopy_rise_db)) {
      rice[i] = 0;
      return;
    }
    b.water_regime[i] = static_cast<std::uint8_t>(c.regime);
    if (c.regime != kernels::WaterRegime::undetermined)
      b.drainage_events[i] = static_cast<std::uint8_t>(std::min<std::size_t>(c.events.size(), 254));
    b.regime_confidence[i] = static_cast<std::uint8_t>(std::lround(100.0 * c.confidence));
    b.cultivation_days[i] = static_cast<std::uint16_t>(std::clamp(c.cultivation_days, 0, 65535));
  };

  // --- segments first, on the unfiltered stack: a terrace's pixels averaged
  // together carry its drainage where one pixel's speckle hides it.
  if (cfg.segment_tile > 0 && !stack.days.empty())
    decide_segments(stack, padded, w, rice, cfg, in.flood, decided, paint);

  std::vector<float> vv_core, vh_core;
  std::vector<std::uint8_t> usable(n);
  kernels::GapTracker gaps(n, 0);
  for (std::size_t d = 0; d < stack.days.size(); ++d) {
    crop(vv_stack[d], padded, w, vv_core);
    crop(vh_stack[d], padded, w, vh_core);
    kernels::add_s1_observations(vv_core, vh_core, b.s1_count, usable);
    gaps.add(stack.days[d], usable);
    if (in.claims) b.claims.add_date(d, claim, vv_core, vh_core);
  }
  gaps.finish(day_number(in.season_end, in.season_start), b.s1_max_gap);

  // --- the pixels no segment decided: speckle filter, then each pixel's own
  // flooding cycle.
  const kernels::SpeckleFilterParams sp = despeckle(stack, padded, cfg);
  // Looks after filtering: 1/L = 1/(W²L) + 1/(N L) on a homogeneous field
  // (Quegan & Yu 2001); halved because windows straddle small terraces.
  const double L = cfg.s1_looks, W2 = static_cast<double>(sp.window) * sp.window;
  const double filtered_looks =
      vv_stack.empty() ? L : std::max(L, 0.5 / (1.0 / (W2 * L) + 1.0 / (static_cast<double>(vv_stack.size()) * L)));
  std::vector<float> pv(days.size()), ph(days.size());
  for (int y = 0; y < w.height; ++y) {
    for (int x = 0; x < w.width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * w.width + x;
      if (!rice[i] || decided[i]) continue;
      const std::size_t pi = static_cast<std::size_t>(y + w.y0 - padded.y0) * padded.width + (x + w.x0 - padded.x0);
      for (std::size_t k = 0; k < days.size(); ++k) pv[k] = vv_stack[k][pi], ph[k] = vh_stack[k][pi];
      paint(i, kernels::detect_flood_cycle({days, pv, ph, filtered_looks}, in.flood));
    }
  }
  if (in.claims) b.claims.add_pixels(claim, rice);

  // --- Sentinel-2: clear dates per pixel and, for the claimed fields, their
  // clear-sky NDVI/LSWI. The bands are read only on the box around the
  // block's claimed pixels, and not at all in blocks without claims.
  const auto scl_mask = kernels::SclMask::from(cfg.s2_usable_scl);
  const std::vector<const Scene*> s2 = season_s2_scenes(in);
  b.claims_optical = kernels::OpticalFieldAccumulator(s2.size());
  const std::optional<PixelWindow> box = in.claims ? field_bounds(claim, w) : std::nullopt;
  std::vector<std::int32_t> box_claim;
  if (box) {
    crop(claim, w, *box, box_claim);
    b.claims_optical.add_pixels(box_claim);
  }
  // Cloud edges the L2A mask misses would pull a field's NDVI down: the
  // claims' views use the crop features' clear-sky rule (usable SCL and no
  // cloud/shadow within the config's classifier.cloud_dilation pixels; a
  // model carries its own, normally the same). SCL is read once per date
  // with that halo, so the rule does not depend on where blocks are cut;
  // the block's clear counts take its core.
  const int dilation = cfg.classifier_cloud_dilation;
  const PixelWindow scl_win = with_halo(w, dilation, *in.grid);
  std::vector<std::uint8_t> scl_halo, scl, box_scl;
  std::vector<std::uint16_t> red, nir, swir;
  for (std::size_t d = 0; d < s2.size(); ++d) {
    const Scene* s = s2[d];
    const Asset& a = s->assets.at("SCL");
    try {
      // SCL is categorical: always nearest.
      read_asset_window(in.cache, a, *in.grid, scl_win, Resampling::nearest, scl_halo);
    } catch (const InputError& e) {
      if (!in.failures) throw;
      in.failures->record(s->id, e.what());
      continue;
    }
    crop(scl_halo, scl_win, w, scl);
    kernels::add_s2_clear(scl, scl_mask, b.s2_clear);
    if (!box) continue;
    // Band names as the crop features read them (the catalogue maps common
    // names to ESA ones); the 20 m SWIR is replicated onto the 10 m grid.
    const auto a_red = s->assets.find(s2_band::red), a_nir = s->assets.find(s2_band::nir),
               a_swir = s->assets.find(s2_band::swir1);
    if (a_red == s->assets.end() || a_nir == s->assets.end() || a_swir == s->assets.end()) continue;
    try {
      read_asset_window(in.cache, a_red->second, *in.grid, *box, Resampling::nearest, red);
      read_asset_window(in.cache, a_nir->second, *in.grid, *box, Resampling::nearest, nir);
      read_asset_window(in.cache, a_swir->second, *in.grid, *box, Resampling::nearest, swir);
    } catch (const InputError& e) {
      if (!in.failures) throw;
      in.failures->record(s->id, e.what());
      continue;
    }
    const auto clear = kernels::clear_sky_mask(scl_halo, scl_win.width, scl_win.height, scl_mask, dilation);
    for (std::size_t i = 0; i < scl_halo.size(); ++i)
      if (!clear[i]) scl_halo[i] = 0;  // no data: never usable (the config refuses 0 in usable_scl)
    crop(scl_halo, scl_win, *box, box_scl);
    b.claims_optical.add_date(d, box_claim, box_scl, scl_mask, {red, a_red->second.scale, a_red->second.offset},
                              {nir, a_nir->second.scale, a_nir->second.offset},
                              {swir, a_swir->second.scale, a_swir->second.offset});
  }
  b.totals.add_block(b.commune, b.s1_count, b.s2_clear, b.water_regime, b.cultivation_days);
  return b;
}

int engine_block_size(const Config& cfg, int block_size) {
  const int t = cfg.segment_tile;
  return t > 0 ? (block_size + t - 1) / t * t : block_size;
}

void run_block_engine(const EngineInputs& in, const EngineOptions& opt,
                      const std::function<void(BlockProducts&)>& sink,
                      const std::function<void(std::size_t, std::size_t)>& progress) {
  const int threads = opt.threads > 0 ? opt.threads : tbb::info::default_concurrency();
  const int tokens = opt.blocks_in_flight > 0 ? opt.blocks_in_flight : 2 * threads;
  const auto windows = in.grid->blocks(engine_block_size(*in.config, opt.block_size));
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
