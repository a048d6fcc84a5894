#include "pipeline/claims_writer.hpp"

#include "kernels/claim_verdict.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/evidence_plot.hpp"

namespace paddymrv {

namespace {
std::string day_to_date(std::chrono::sys_days start, int day) {
  return format_iso_date(start + std::chrono::days{day});
}

}  // namespace

void write_claims(ResultWriter& out, const PolygonLayer& claims, const kernels::FieldSeriesAccumulator& acc,
                  const std::vector<int>& days, std::chrono::sys_days start, std::chrono::sys_days season_end,
                  const Config& cfg, const kernels::FloodCycleParams& flood) {
  const std::size_t m = claims.size();
  std::vector<std::string> verdicts, reasons, onset, harvest;
  std::vector<std::int32_t> events(m), observations(m);
  std::vector<double> rice_fraction(m), confidence(m), pixels(m);
  std::vector<std::vector<std::string>> event_rows;
  for (std::size_t c = 0; c < m; ++c) {
    const auto s = acc.series(static_cast<std::int32_t>(c));
    // Averaging n pixels multiplies the looks by n (independent speckle).
    const auto cycle =
        kernels::detect_flood_cycle({days, s.vv, s.vh, cfg.s1_looks * std::max(1.0, s.max_usable_pixels)}, flood);
    rice_fraction[c] = s.pixels ? static_cast<double>(s.rice_pixels) / static_cast<double>(s.pixels) : 0.0;
    const auto d = kernels::decide_claim(claims.labels()[c], cycle, rice_fraction[c], cfg.claim_min_rice_fraction);
    verdicts.push_back(kernels::verdict_name(d.verdict));
    reasons.push_back(s.pixels == 0 ? "the field lies outside the analysis grid" : d.reason);
    events[c] = static_cast<std::int32_t>(cycle.events.size());
    observations[c] = cycle.observations;
    confidence[c] = cycle.confidence;
    pixels[c] = static_cast<double>(s.pixels);
    onset.push_back(cycle.onset_day >= 0 ? day_to_date(start, cycle.onset_day) : "");
    harvest.push_back(cycle.harvest_day >= 0 ? day_to_date(start, cycle.harvest_day) : "");
    EvidenceInput ev{claims.ids()[c],
                     claims.labels()[c],
                     verdicts.back(),
                     reasons.back(),
                     start,
                     days.empty() ? 0 : std::max(days.back(), static_cast<int>((season_end - start).count())),
                     days,
                     s.vv,
                     s.vh,
                     cycle};
    const auto png = claim_evidence_png(ev);
    const std::string ds = "/claims/evidence/" + std::to_string(c);
    out.write_u8(ds, {static_cast<hsize_t>(png.size())}, png);
    out.set_attribute(ds, "claim_id", claims.ids()[c]);
    out.set_attribute(ds, "mime_type", "image/png");
    for (const auto& e : cycle.events) {
      event_rows.push_back({claims.ids()[c], day_to_date(start, e.last_flooded_day),
                            day_to_date(start, e.first_dry_day), day_to_date(start, e.last_dry_day),
                            day_to_date(start, e.first_reflooded_day), std::to_string(e.min_days()),
                            std::to_string(e.max_days()), std::to_string(e.strength)});
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
  out.write_string_table("/claims/events",
                         {"claim_id", "last_flooded", "first_dry", "last_dry", "first_reflooded", "min_days",
                          "max_days", "strength_sigma"},
                         event_rows);
  out.set_attribute("/claims/verdict", "description",
                    "verified / not_verified / insufficient_data, from the field-averaged Sentinel-1 series");
}

}  // namespace paddymrv
