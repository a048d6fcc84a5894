#include "pipeline/crop_features_block.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "kernels/context_features.hpp"
#include "kernels/decibel.hpp"
#include "kernels/majority_filter.hpp"
#include "kernels/s2_indices.hpp"
#include "kernels/segment_vote.hpp"
#include "kernels/speckle_filter.hpp"
#include "pipeline/config.hpp"
#include "pipeline/crop_feature_settings.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/scene_cache.hpp"

namespace paddymrv {

namespace {

std::size_t padded_index(const PixelWindow& p, const PixelWindow& w, int x, int y) {
  return static_cast<std::size_t>(y + w.y0 - p.y0) * p.width + static_cast<std::size_t>(x + w.x0 - p.x0);
}

// Indices are kept per date as int16 × 1e-4 (precision far below the
// radiometric noise of L2A) so that a 512² block of a 35-date season stays
// ≈ 55 MB instead of twice that.
constexpr float kQ = 1e4f;
constexpr std::int16_t kMissing = INT16_MIN;
std::int16_t quantize(float v) {
  if (std::isnan(v)) return kMissing;
  return static_cast<std::int16_t>(std::lround(std::clamp(v, -3.0f, 3.0f) * kQ));
}
float dequantize(std::int16_t q) { return q == kMissing ? NAN : static_cast<float>(q) / kQ; }

// Rows of features computed and predicted at a time: ≈ 0.5 MB of features
// at the default layout (fits L2), a multiple of the forest's own chunk.
constexpr std::size_t kSlabRows = 2048;

}  // namespace

// Every setting the features read from the config comes through
// CropFeatureSettings, the line a model pins (crop_feature_settings.hpp);
// only the radar's resampling is applied where the stack is read, which
// the water regimes share (read_s1_stack).
PixelWindow crop_s1_stack_window(const EngineInputs& in, const PixelWindow& w) {
  return with_halo(w, CropFeatureSettings::from(*in.config).speckle_window / 2, *in.grid);
}

std::pair<int, int> crop_s1_day_range(const EngineInputs& in) {
  return {-CropFeatureSettings::from(*in.config).season_lookback_days,
          static_cast<int>((in.season_end - in.season_start).count()) + 1};
}

namespace {
// The union of the segment_tile lattice's tiles that `w` touches, clipped
// to the grid (`w` itself when segment voting is off).
PixelWindow segment_tiles_window(const EngineInputs& in, const PixelWindow& w, int T) {
  if (T <= 0 || w.width <= 0 || w.height <= 0) return w;
  const int x0 = w.x0 / T * T, y0 = w.y0 / T * T;
  const int x1 = std::min(in.grid->width, (w.x0 + w.width + T - 1) / T * T);
  const int y1 = std::min(in.grid->height, (w.y0 + w.height + T - 1) / T * T);
  return {x0, y0, x1 - x0, y1 - y0};
}
}  // namespace

PixelWindow classify_window(const EngineInputs& in, const PixelWindow& w, const CropPostProcessing& pp) {
  return with_halo(segment_tiles_window(in, w, pp.segment_tile), pp.halo(), *in.grid);
}

PixelWindow context_window(const EngineInputs& in, const PixelWindow& w, int context_radius) {
  return with_halo(w, context_radius, *in.grid);
}

namespace {

// What the features of one window are computed from: the despeckled radar
// stack on the speckle halo and the quantised S2 indices per date.
struct WindowObservations {
  PixelWindow w, padded;
  double season_start = 0, season_end = 0;
  S1Stack stack;
  std::vector<double> s1_days, s2_days;
  // Per date, one plane per index; allocated without a zero fill, since
  // every pixel of a plane is written before any is read.
  std::vector<std::unique_ptr<std::int16_t[]>> ndvi_q, lswi_q, ndre_q;
};

WindowObservations observe(const EngineInputs& in, const PixelWindow& w, const CropFeatureOptions& opt, S1Stack* s1) {
  const CropFeatureSettings fs = CropFeatureSettings::from(*in.config);
  const std::size_t n = w.pixels();
  WindowObservations o;
  o.w = w;
  o.season_start = -static_cast<double>(fs.season_lookback_days);
  o.season_end = static_cast<double>((in.season_end - in.season_start).count() + 1);
  const double season_start = o.season_start, season_end = o.season_end;
  auto day_of = [&](const Scene* s) { return static_cast<double>((s->day() - in.season_start).count()); };

  // --- Sentinel-1: the stack with the speckle filter's halo, then dB.
  o.padded = crop_s1_stack_window(in, w);
  // Look-back scenes count here: crop features see the whole season and before.
  const auto [first_day, end_day] = crop_s1_day_range(in);
  o.stack = s1 ? std::move(*s1) : read_s1_stack(in, o.padded, first_day, end_day);
  o.s1_days.assign(o.stack.days.begin(), o.stack.days.end());
  despeckle(o.stack, o.padded, fs.speckle_window, fs.s1_looks);

  // --- Sentinel-2: clear-sky mask (SCL with the dilation's halo), indices per date.
  const auto scl_mask = kernels::SclMask::from(fs.s2_usable_scl);
  const PixelWindow scl_win = with_halo(w, opt.cloud_dilation, *in.grid);
  std::vector<std::uint8_t> scl;
  std::vector<std::uint16_t> red, re1, nir, swir;
  kernels::ClearSkyBuffers clear_buffers;
  for (const Scene* s : in.s2) {
    const double d = day_of(s);
    if (d < season_start || d >= season_end) continue;
    const Asset *a_red = nullptr, *a_re1 = nullptr, *a_nir = nullptr, *a_swir = nullptr;
    try {
      const Asset& a_scl = s->assets.at("SCL");
      a_red = &s->assets.at(s2_band::red);
      a_re1 = &s->assets.at(s2_band::red_edge1);
      a_nir = &s->assets.at(s2_band::nir);
      a_swir = &s->assets.at(s2_band::swir1);
      read_asset_window(in.cache, a_scl, *in.grid, scl_win, Resampling::nearest, scl);
      read_asset_window(in.cache, *a_red, *in.grid, w, Resampling::nearest, red);
      read_asset_window(in.cache, *a_re1, *in.grid, w, Resampling::nearest, re1);
      read_asset_window(in.cache, *a_nir, *in.grid, w, Resampling::nearest, nir);
      read_asset_window(in.cache, *a_swir, *in.grid, w, Resampling::nearest, swir);
    } catch (const std::out_of_range&) {
      continue;  // a scene without the bands the features need adds nothing
    } catch (const InputError& e) {
      if (!in.failures) throw;
      in.failures->record(s->id, e.what());
      continue;
    }
    const auto& clear =
        kernels::clear_sky_mask(scl, scl_win.width, scl_win.height, scl_mask, opt.cloud_dilation, clear_buffers);
    auto q_ndvi = std::make_unique_for_overwrite<std::int16_t[]>(n);
    auto q_lswi = std::make_unique_for_overwrite<std::int16_t[]>(n);
    auto q_ndre = std::make_unique_for_overwrite<std::int16_t[]>(n);
    for (int y = 0; y < w.height; ++y)
      for (int x = 0; x < w.width; ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * w.width + x;
        if (!clear[padded_index(scl_win, w, x, y)]) {
          q_ndvi[i] = q_lswi[i] = q_ndre[i] = kMissing;
          continue;
        }
        const float r = kernels::reflectance(red[i], a_red->scale, a_red->offset);
        const float e = kernels::reflectance(re1[i], a_re1->scale, a_re1->offset);
        const float v = kernels::reflectance(nir[i], a_nir->scale, a_nir->offset);
        const float sw = kernels::reflectance(swir[i], a_swir->scale, a_swir->offset);
        q_ndvi[i] = quantize(kernels::normalized_difference(v, r));
        q_lswi[i] = quantize(kernels::normalized_difference(v, sw));
        q_ndre[i] = quantize(kernels::normalized_difference(v, e));
      }
    o.s2_days.push_back(d);
    o.ndvi_q.push_back(std::move(q_ndvi));
    o.lswi_q.push_back(std::move(q_lswi));
    o.ndre_q.push_back(std::move(q_ndre));
  }
  return o;
}

// The feature vectors of the window's pixels [first, first + count) (row-major
// pixel order) into features (count × layout.size()) and, when given,
// baseline (count × baseline size). Each pixel's row depends on that pixel
// alone, so rows computed in slabs equal rows computed all at once.
void feature_rows(const WindowObservations& o, const CropFeatureOptions& opt, std::size_t first, std::size_t count,
                  float* features, float* baseline) {
  const PixelWindow& w = o.w;
  const std::size_t F = static_cast<std::size_t>(opt.layout.size());
  const std::size_t B = kernels::baseline_feature_names().size();
  kernels::PixelObservations obs;
  obs.s2_days = &o.s2_days;
  obs.s1_days = &o.s1_days;
  obs.ndvi.resize(o.s2_days.size());
  obs.lswi.resize(o.s2_days.size());
  obs.ndre.resize(o.s2_days.size());
  obs.vv_db.resize(o.s1_days.size());
  obs.vh_db.resize(o.s1_days.size());
  for (std::size_t r = 0; r < count; ++r) {
    const std::size_t i = first + r;
    const int x = static_cast<int>(i % static_cast<std::size_t>(w.width));
    const int y = static_cast<int>(i / static_cast<std::size_t>(w.width));
    for (std::size_t k = 0; k < o.s2_days.size(); ++k) {
      obs.ndvi[k] = dequantize(o.ndvi_q[k][i]);
      obs.lswi[k] = dequantize(o.lswi_q[k][i]);
      obs.ndre[k] = dequantize(o.ndre_q[k][i]);
    }
    const std::size_t pi = padded_index(o.padded, w, x, y);
    for (std::size_t k = 0; k < o.s1_days.size(); ++k) {
      const float vv = o.stack.vv[k][pi], vh = o.stack.vh[k][pi];
      obs.vv_db[k] = kernels::to_db(vv);
      obs.vh_db[k] = kernels::to_db(vh);
    }
    kernels::compute_crop_features(opt.layout, o.season_start, o.season_end, obs, features + r * F);
    if (baseline) kernels::compute_baseline_features(obs, baseline + r * B);
  }
}

// The context filter's view of the features computed on `outer`, for the
// rows of `w` inside it: the guide is the optical index series (the layout's
// first 3 × s2_steps features), the radar features after them are averaged
// (the means appended to each row).
kernels::ContextInput context_input(const float* features, const PixelWindow& outer, const PixelWindow& w,
                                    const CropFeatureOptions& opt) {
  kernels::ContextInput c;
  c.features = features;
  c.outer_width = outer.width;
  c.outer_height = outer.height;
  c.cols = opt.layout.size();
  c.guide_dims = opt.layout.first_s1_feature();
  c.first_smoothed = opt.layout.first_s1_feature();
  c.smoothed = opt.layout.s1_count();
  c.radius = opt.context_radius;
  c.bandwidth = opt.context_bandwidth;
  c.x0 = w.x0 - outer.x0;
  c.y0 = w.y0 - outer.y0;
  c.width = w.width;
  return c;
}
}  // namespace

BlockCropFeatures read_crop_features(const EngineInputs& in, const PixelWindow& w, const CropFeatureOptions& opt,
                                     S1Stack* s1) {
  const PixelWindow outer = context_window(in, w, opt.context_radius);
  std::optional<WindowObservations> o(observe(in, outer, opt, s1));
  const std::size_t n = w.pixels();
  BlockCropFeatures out;
  out.features.create(static_cast<int>(n), opt.row_width(), CV_32F);
  const auto baseline_size = static_cast<std::size_t>(kernels::baseline_feature_names().size());
  if (opt.baseline) out.baseline.create(static_cast<int>(n), static_cast<int>(baseline_size), CV_32F);
  if (n == 0) return out;
  if (opt.context_radius == 0) {
    feature_rows(*o, opt, 0, n, out.features.ptr<float>(0), opt.baseline ? out.baseline.ptr<float>(0) : nullptr);
    return out;
  }
  // Every value is written by feature_rows before it is read: no zero fill.
  const std::size_t F = static_cast<std::size_t>(opt.layout.size());
  const auto all = std::make_unique_for_overwrite<float[]>(outer.pixels() * F);
  const auto all_baseline = std::make_unique_for_overwrite<float[]>(opt.baseline ? outer.pixels() * baseline_size : 0);
  feature_rows(*o, opt, 0, outer.pixels(), all.get(), opt.baseline ? all_baseline.get() : nullptr);
  o.reset();  // the radar stack and index planes are not needed past here
  kernels::guided_context_rows(context_input(all.get(), outer, w, opt), 0, n, out.features.ptr<float>(0));
  for (int y = 0; y < w.height && opt.baseline; ++y)
    for (int x = 0; x < w.width; ++x)
      std::copy_n(all_baseline.get() + padded_index(outer, w, x, y) * baseline_size, baseline_size,
                  out.baseline.ptr<float>(y * w.width + x));
  return out;
}

std::vector<std::uint8_t> classify_crops(const EngineInputs& in, const PixelWindow& w, const CropModel& model,
                                         const CropPostProcessing& pp, S1Stack* s1) {
  const int halo = pp.halo();
  const int majority_window = pp.majority_window;
  const std::string& majority_of = pp.majority_of;
  const PixelWindow padded = classify_window(in, w, pp);
  const bool segments = pp.segments();
  CropFeatureOptions fo;
  fo.layout = model.layout;
  fo.cloud_dilation = model.cloud_dilation;
  fo.context_radius = model.context_radius;
  fo.context_bandwidth = model.context_bandwidth;
  // Features of the block and its halo, predicted in slabs of rows (never one
  // call per pixel): a slab is still in cache when the forest reads it, and
  // the block's whole N×F matrix (≈ 60 MB at 512 px) is never materialised —
  // its fresh pages were a page fault per 4 kB on every block (issue #6).
  // The guided filter keeps only its guide: the NDVI, LSWI and NDRE series,
  // the layout's first 3 × s2_steps features (kernels/crop_features.hpp).
  // With the context filter each row of `padded` also carries its radar
  // features averaged from their neighbours' (the context forest reads
  // those): all features of the grown window are computed first (≈ 60 MB at
  // 512 px), then `padded`'s rows in slabs as below.
  const PixelWindow outer = context_window(in, padded, fo.context_radius);
  std::optional<WindowObservations> o(observe(in, outer, fo, s1));
  std::unique_ptr<float[]> outer_features;
  if (fo.context_radius > 0) {
    outer_features =
        std::make_unique_for_overwrite<float[]>(outer.pixels() * static_cast<std::size_t>(fo.layout.size()));
    feature_rows(*o, fo, 0, outer.pixels(), outer_features.get(), nullptr);
    o.reset();  // the radar stack and index planes are not needed past here
  }
  const std::size_t n = padded.pixels();
  const std::size_t F = static_cast<std::size_t>(fo.row_width());
  const std::size_t C = model.flat_forest.class_codes().size();
  const bool soft = halo > 0 && majority_of != "classes";
  const bool guided = soft && majority_of == "guided";
  const std::size_t G = guided || segments ? static_cast<std::size_t>(3 * fo.layout.s2_steps) : 0;
  std::vector<int> pred(n);
  std::vector<std::uint16_t> votes(soft || segments ? n * C : 0);
  // Every value is written below before the filter reads it: no zero fill.
  // Still ≈ 39 MB per 520² padded block (36 floats a pixel), the price of
  // the guided filter; int16 would halve it.
  const auto guide = std::make_unique_for_overwrite<float[]>(n * G);
  std::vector<float> slab(std::min(n, kSlabRows) * F);
  for (std::size_t first = 0; first < n; first += kSlabRows) {
    const std::size_t m = std::min(kSlabRows, n - first);
    if (fo.context_radius > 0)
      kernels::guided_context_rows(context_input(outer_features.get(), outer, padded, fo), first, m, slab.data());
    else
      feature_rows(*o, fo, first, m, slab.data(), nullptr);
    model.flat_forest.predict(slab.data(), m, static_cast<int>(F), pred.data() + first,
                              votes.empty() ? nullptr : votes.data() + first * C);
    for (std::size_t r = 0; r < m && G > 0; ++r)
      std::copy_n(slab.data() + r * F, G, guide.get() + (first + r) * G);
  }
  std::vector<std::uint8_t> cls(padded.pixels());
  for (std::size_t i = 0; i < cls.size(); ++i)
    cls[i] = model.class_index(pred[i]) < 0 ? 0 : static_cast<std::uint8_t>(pred[i]);
  std::vector<std::uint8_t> codes;
  for (const int c : model.flat_forest.class_codes()) codes.push_back(static_cast<std::uint8_t>(c));
  kernels::SegmentVoteParams sp;
  sp.tile = pp.segment_tile;
  sp.segmentation.max_merge_cost = pp.segment_max_cost;
  sp.segmentation.max_pixels = pp.segment_max_pixels;
  sp.min_pixels = pp.segment_min_pixels;
  const kernels::SegmentGuide sg{guide.get(), static_cast<int>(G), static_cast<int>(G)};
  // "pool": each pixel's votes become its segment's mean before the filter.
  // The filter's neighbours in other tiles keep their own votes, so the
  // halo tiles, cut by the window, need no segments (kernels::TileVotes).
  const bool pool = segments && pp.segment_mode == "pool";
  std::vector<std::uint16_t> pooled;
  kernels::TileVotes across;
  if (pool) {
    const auto seg = kernels::guide_segments(cls, sg, padded.x0, padded.y0, padded.width, padded.height, sp);
    pooled = votes;
    kernels::pool_segment_votes(cls, pooled, codes, seg, sp.min_pixels);
    across = {votes.data(), sp.tile, padded.x0, padded.y0};
  }
  const std::vector<std::uint16_t>& filter_votes = pool ? pooled : votes;
  if (soft) {
    if (guided) {
      const kernels::VoteGuide g{guide.get(), static_cast<int>(G), static_cast<int>(G), pp.guide_bandwidth};
      cls = kernels::guided_vote_majority_filter(cls, filter_votes, codes, g, padded.width, padded.height,
                                                 majority_window, across);
    } else {
      cls = kernels::vote_majority_filter(cls, filter_votes, codes, padded.width, padded.height, majority_window,
                                          across);
    }
  } else if (halo > 0) {
    cls = kernels::majority_filter(cls, padded.width, padded.height, majority_window);
  }
  // Field-level voting on the filtered map: whole tiles of the lattice cover
  // the block (classify_window), so every segment the block keeps is the
  // same whatever the block size; segments in the halo's cut tiles are
  // computed but cropped away below.
  if (segments && !pool)
    cls = kernels::segment_vote_filter(cls, votes, codes, sg, padded.x0, padded.y0, padded.width, padded.height, sp);
  std::vector<std::uint8_t> out(w.pixels());
  for (int y = 0; y < w.height; ++y)
    for (int x = 0; x < w.width; ++x)
      out[static_cast<std::size_t>(y) * w.width + x] = cls[padded_index(padded, w, x, y)];
  return out;
}

}  // namespace paddymrv
