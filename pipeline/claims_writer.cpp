#include "pipeline/claims_writer.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "kernels/claim_verdict.hpp"
#include "kernels/decibel.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/evidence_plot.hpp"

namespace paddymrv {

namespace {
std::string day_to_date(std::chrono::sys_days start, int day) {
  return format_iso_date(start + std::chrono::days{day});
}

// Everything about one claim that does not touch the result file. Rendering
// and deflating the evidence PNG is most of a claim's cost (issue #6
// profile), and claims are independent, so these are made in parallel and
// only the writing is serial, in claim order: the file is the same bytes
// whatever the thread count.
struct ClaimOutcome {
  kernels::FloodCycle cycle;
  std::string verdict, reason;
  double rice_fraction = 0, pixels = 0;
  // Per Sentinel-2 date: field means (NaN unless seen clear) and clear share.
  std::vector<double> ndvi, lswi, clear_fraction;
  int clear_dates = 0;
  // Field-mean backscatter per Sentinel-1 date, dB (NaN: no usable pixel):
  // the numbers the verdict was decided on, next to their picture.
  std::vector<double> vv_db, vh_db;
  double looks = 0;  // equivalent number of looks the detector gave those means
  std::vector<std::uint8_t> png;
};

// The claims' series and their dates, merged over every block.
struct ClaimSeries {
  const kernels::FieldSeriesAccumulator& s1;
  const std::vector<int>& s1_days;
  const kernels::OpticalFieldAccumulator& s2;
  std::vector<int> s2_days;
};

ClaimOutcome verify_claim(const PolygonLayer& claims, const ClaimSeries& series, std::size_t c,
                          std::chrono::sys_days start, std::chrono::sys_days season_end, const Config& cfg,
                          const kernels::FloodCycleParams& flood) {
  const kernels::FieldSeriesAccumulator& acc = series.s1;
  const std::vector<int>& days = series.s1_days;
  ClaimOutcome r;
  auto s = acc.series(static_cast<std::int32_t>(c));
  // Averaging n pixels multiplies the looks by n (independent speckle).
  r.looks = cfg.s1_looks * std::max(1.0, s.max_usable_pixels);
  r.cycle = kernels::detect_flood_cycle({days, s.vv, s.vh, r.looks}, flood);
  r.rice_fraction = s.pixels ? static_cast<double>(s.rice_pixels) / static_cast<double>(s.pixels) : 0.0;
  const auto d = kernels::decide_claim(claims.labels()[c], r.cycle, r.rice_fraction, cfg.claim_min_rice_fraction);
  r.verdict = kernels::verdict_name(d.verdict);
  r.reason = s.pixels == 0 ? "the field lies outside the analysis grid" : d.reason;
  r.pixels = static_cast<double>(s.pixels);
  auto in_db = [](const std::vector<float>& lin) {
    std::vector<double> db(lin.size());
    std::transform(lin.begin(), lin.end(), db.begin(), [](float v) { return kernels::to_db(v); });
    return db;
  };
  r.vv_db = in_db(s.vv);
  r.vh_db = in_db(s.vh);
  EvidenceInput ev{claims.ids()[c],
                   claims.labels()[c],
                   r.verdict,
                   r.reason,
                   start,
                   days.empty() ? 0 : std::max(days.back(), static_cast<int>((season_end - start).count())),
                   days,
                   std::move(s.vv),
                   std::move(s.vh),
                   r.cycle,
                   {}};
  // A Sentinel-2 date counts as a view of the field when enough of it was
  // clear: a few clear pixels at a cloud's edge describe the cloud's edge.
  auto o = series.s2.series(static_cast<std::int32_t>(c));
  r.clear_fraction.resize(series.s2_days.size());
  for (std::size_t k = 0; k < series.s2_days.size(); ++k) {
    r.clear_fraction[k] = o.clear_fraction(k);
    if (o.clear_pixels[k] == 0 || r.clear_fraction[k] < cfg.claim_min_clear_fraction) {
      o.ndvi[k] = o.lswi[k] = std::nan("");
      continue;
    }
    ev.optical.push_back({series.s2_days[k], static_cast<float>(o.ndvi[k]), static_cast<float>(o.lswi[k]),
                          r.clear_fraction[k]});
  }
  r.clear_dates = static_cast<int>(ev.optical.size());
  r.ndvi = std::move(o.ndvi);
  r.lswi = std::move(o.lswi);
  r.png = claim_evidence_png(ev);
  return r;
}

// Claims verified between two rounds of writing: enough to keep every
// thread busy, few enough that their PNGs (tens of kB each) stay small
// next to a block's rasters.
constexpr std::size_t kClaimsPerRound = 256;

}  // namespace

void write_claims(ResultWriter& out, const PolygonLayer& claims, const kernels::FieldSeriesAccumulator& acc,
                  const std::vector<int>& days, const kernels::OpticalFieldAccumulator& optical,
                  const std::vector<const Scene*>& s2_scenes, std::chrono::sys_days start,
                  std::chrono::sys_days season_end, const Config& cfg, const kernels::FloodCycleParams& flood) {
  const std::size_t m = claims.size();
  if (optical.dates() != s2_scenes.size())
    throw Error("write_claims: " + std::to_string(optical.dates()) + " Sentinel-2 dates accumulated for " +
                std::to_string(s2_scenes.size()) + " scenes");
  ClaimSeries series{acc, days, optical, {}};
  std::vector<std::string> s2_ids, s2_dates;
  for (const Scene* s : s2_scenes) {
    series.s2_days.push_back(static_cast<int>((s->day() - start).count()));
    s2_ids.push_back(s->id);
    s2_dates.push_back(format_iso_date(s->day()));
  }
  const std::size_t t = s2_scenes.size();
  std::vector<double> ndvi(m * t), lswi(m * t), clear_fraction(m * t);
  std::vector<std::int32_t> clear_dates(m);
  std::vector<std::string> verdicts, reasons, onset, harvest, end_of_flooding, visible_until;
  const std::size_t T = days.size();
  std::vector<double> vv_db(m * T), vh_db(m * T), looks(m);
  std::vector<std::int32_t> events(m), observations(m);
  std::vector<double> rice_fraction(m), confidence(m), pixels(m);
  std::vector<std::vector<std::string>> event_rows;
  tbb::task_arena arena(cfg.threads > 0 ? cfg.threads : tbb::task_arena::automatic);
  std::vector<ClaimOutcome> round;
  for (std::size_t lo = 0; lo < m; lo += kClaimsPerRound) {
    const std::size_t hi = std::min(m, lo + kClaimsPerRound);
    round.assign(hi - lo, {});
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(lo, hi), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c < r.end(); ++c)
          round[c - lo] = verify_claim(claims, series, c, start, season_end, cfg, flood);
      });
    });
    for (std::size_t c = lo; c < hi; ++c) {
      ClaimOutcome& r = round[c - lo];
      const auto& cycle = r.cycle;
      rice_fraction[c] = r.rice_fraction;
      verdicts.push_back(std::move(r.verdict));
      reasons.push_back(std::move(r.reason));
      events[c] = static_cast<std::int32_t>(cycle.events.size());
      observations[c] = cycle.observations;
      confidence[c] = cycle.confidence;
      pixels[c] = r.pixels;
      std::copy(r.ndvi.begin(), r.ndvi.end(), ndvi.begin() + static_cast<std::ptrdiff_t>(c * t));
      std::copy(r.lswi.begin(), r.lswi.end(), lswi.begin() + static_cast<std::ptrdiff_t>(c * t));
      std::copy(r.clear_fraction.begin(), r.clear_fraction.end(),
                clear_fraction.begin() + static_cast<std::ptrdiff_t>(c * t));
      clear_dates[c] = r.clear_dates;
      onset.push_back(cycle.onset_day >= 0 ? day_to_date(start, cycle.onset_day) : "");
      harvest.push_back(cycle.harvest_day >= 0 ? day_to_date(start, cycle.harvest_day) : "");
      end_of_flooding.push_back(cycle.end_flooding_day >= 0 ? day_to_date(start, cycle.end_flooding_day) : "");
      visible_until.push_back(cycle.visible_until_day >= 0 ? day_to_date(start, cycle.visible_until_day) : "");
      if (r.vv_db.size() != T || r.vh_db.size() != T)
        throw Error("write_claims: claim " + claims.ids()[c] + " has " + std::to_string(r.vv_db.size()) +
                    " radar dates, expected " + std::to_string(T));
      looks[c] = r.looks;
      std::copy(r.vv_db.begin(), r.vv_db.end(), vv_db.begin() + static_cast<std::ptrdiff_t>(c * T));
      std::copy(r.vh_db.begin(), r.vh_db.end(), vh_db.begin() + static_cast<std::ptrdiff_t>(c * T));
      const std::string ds = "/claims/evidence/" + std::to_string(c);
      out.write_u8(ds, {static_cast<hsize_t>(r.png.size())}, r.png);
      out.set_attribute(ds, "claim_id", claims.ids()[c]);
      out.set_attribute(ds, "mime_type", "image/png");
      for (const auto& e : cycle.events) {
        event_rows.push_back({claims.ids()[c], day_to_date(start, e.last_flooded_day),
                              day_to_date(start, e.first_dry_day), day_to_date(start, e.last_dry_day),
                              day_to_date(start, e.first_reflooded_day), std::to_string(e.min_days()),
                              std::to_string(e.max_days()), std::to_string(e.strength)});
      }
    }
  }
  const hsize_t hm = m;
  out.write_strings("/claims/claim_id", claims.ids());
  out.write_strings("/claims/practice", claims.labels());
  out.write_strings("/claims/verdict", verdicts);
  out.write_strings("/claims/reason", reasons);
  out.write_i32("/claims/drainage_events", {hm}, events);
  out.write_f64("/claims/rice_fraction", {hm}, rice_fraction);
  out.write_f64("/claims/confidence", {hm}, confidence);
  out.write_f64("/claims/area_ha", {hm}, [&] {
    std::vector<double> a(pixels);
    for (double& v : a) v *= cfg.grid_resolution * cfg.grid_resolution / 1e4;
    return a;
  }());
  out.write_i32("/claims/observations", {hm}, observations);
  out.write_strings("/claims/flood_onset", onset);
  out.write_strings("/claims/harvest", harvest);
  out.write_strings("/claims/end_of_flooding", end_of_flooding);
  out.set_attribute("/claims/end_of_flooding", "description",
                    "last Sentinel-1 date on which the field looked flooded (end-season drainage after it); "
                    "empty when never flooded");
  out.write_strings("/claims/visible_until", visible_until);
  out.set_attribute("/claims/visible_until", "description",
                    "end of the window in which the detector can see a drainage: canopy closure (the flooded "
                    "level at water_regime.closure_fraction of its rise, not before two revisits into the drainage "
                    "window), or the end of flooding when that comes first; a drainage after it could not be "
                    "seen. Empty when the field never looked flooded");
  // The radar numbers behind each verdict and picture: rows are claims,
  // columns the Sentinel-1 dates of the season (look-back included).
  std::vector<std::string> s1_dates;
  for (int d : days) s1_dates.push_back(day_to_date(start, d));
  const hsize_t hT = T;
  out.write_strings("/claims/radar/date", s1_dates);
  out.write_f64("/claims/radar/vv_db", {hm, hT}, vv_db);
  out.write_f64("/claims/radar/vh_db", {hm, hT}, vh_db);
  out.write_f64("/claims/radar/looks", {hm}, looks);
  out.set_attribute("/claims/radar/looks", "description",
                    "equivalent number of looks of the field means (s1_looks × the field's usable pixels): the "
                    "detector's noise level, so the verdict can be recomputed from these series alone");
  for (const char* pol : {"vv", "vh"})
    out.set_attribute(std::string("/claims/radar/") + pol + "_db", "description",
                      std::string("field-mean Sentinel-1 ") + (pol[1] == 'v' ? "VV" : "VH") +
                          " backscatter in dB (mean of linear sigma0 over the field's usable pixels, then 10 log10), "
                          "per claim (row) and date (column, /claims/radar/date): the series the verdict was decided "
                          "on; NaN when no pixel was usable");
  out.write_string_table("/claims/events",
                         {"claim_id", "last_flooded", "first_dry", "last_dry", "first_reflooded", "min_days",
                          "max_days", "strength_sigma"},
                         event_rows);
  out.set_attribute("/claims/verdict", "description",
                    "verified / not_verified / insufficient_data, from the field-averaged Sentinel-1 series");

  // Clear-sky Sentinel-2 views of each field: the numbers behind the
  // NDVI/LSWI points of the evidence pictures. Rows are claims, columns the
  // in-season Sentinel-2 scenes.
  const hsize_t ht = t;
  out.write_strings("/claims/optical/scene_id", s2_ids);
  out.write_strings("/claims/optical/date", s2_dates);
  out.write_f64("/claims/optical/ndvi", {hm, ht}, ndvi);
  out.write_f64("/claims/optical/lswi", {hm, ht}, lswi);
  out.write_f64("/claims/optical/clear_fraction", {hm, ht}, clear_fraction);
  out.write_i32("/claims/optical/clear_dates", {hm}, clear_dates);
  char share[32];
  std::snprintf(share, sizeof share, "%g", cfg.claim_min_clear_fraction);
  const std::string seen = "claims.min_clear_fraction (" + std::string(share) + ")";
  out.set_attribute("/claims/optical/ndvi", "description",
                    "field mean NDVI = (B08 - B04)/(B08 + B04) over the clear pixels (SCL in "
                    "sentinel2.usable_scl and no cloud or shadow within " + std::to_string(cfg.classifier_cloud_dilation) +
                    " px, classifier.cloud_dilation), per claim (row) and Sentinel-2 scene (column, /claims/optical/scene_id); "
                    "NaN when less than " + seen + " of the field was clear");
  out.set_attribute("/claims/optical/lswi", "description",
                    "field mean LSWI = (B08 - B11)/(B08 + B11) over the clear pixels, as /claims/optical/ndvi");
  out.set_attribute("/claims/optical/clear_fraction", "description",
                    "share of the field's pixels with a clear view (clear as /claims/optical/ndvi, bands valid)");
  out.set_attribute("/claims/optical/clear_dates", "description",
                    "Sentinel-2 dates on which at least " + seen + " of the field was clear");
}

}  // namespace paddymrv
