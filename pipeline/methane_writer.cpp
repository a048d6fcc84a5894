#include "pipeline/methane_writer.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

namespace paddymrv {

kernels::MethaneFactors methane_factors(const Config& cfg) {
  kernels::MethaneFactors f;
  f.ef_c = {cfg.ef_c, cfg.ef_c_range[0], cfg.ef_c_range[1]};
  for (std::size_t k = 0; k < 3; ++k) f.sf_w[k] = {cfg.sf_w[k], cfg.sf_w_low[k], cfg.sf_w_high[k]};
  f.sf_p = {cfg.sf_p, cfg.sf_p_range[0], cfg.sf_p_range[1]};
  for (std::size_t a = 0; a < cfg.amendment_rates.size(); ++a) {
    const double cfoa = cfg.amendment_cfoa[a];
    f.amendments.push_back({cfg.amendment_rates[a], {cfoa, cfoa, cfoa}});
  }
  return f;
}

const EmissionFactorEntry* national_emission_factor(const Config& cfg, const std::string& region) {
  if (region.empty()) return nullptr;
  for (const auto& e : cfg.emission_factors)
    if (e.region == region && e.season_type == cfg.methane_season_type) return &e;
  return nullptr;  // validate() refuses a region without its entry
}

std::vector<CommuneFactors> commune_factors(const Config& cfg, const std::vector<std::string>& codes) {
  const std::size_t n = codes.size();
  std::vector<CommuneFactors> out(n, {methane_factors(cfg), cfg.methane_region, ""});
  std::vector<std::string> amendments(n, "province amendments [methane]");
  for (const auto& o : cfg.methane_communes) {
    bool found = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (codes[i] != o.code) continue;
      found = true;
      if (!o.region.empty()) out[i].region = o.region;
      if (o.amendment_rates.empty() && o.amendment_cfoa.empty() && !o.region.empty()) continue;  // region only
      out[i].factors.amendments.clear();
      for (std::size_t a = 0; a < o.amendment_rates.size(); ++a)
        out[i].factors.amendments.push_back(
            {o.amendment_rates[a], {o.amendment_cfoa[a], o.amendment_cfoa[a], o.amendment_cfoa[a]}});
      amendments[i] = "amendments [[methane_commune]] " + o.code + (o.source.empty() ? "" : " (" + o.source + ")");
    }
    if (!found) spdlog::warn("[[methane_commune]] code {} matches no commune; ignored", o.code);
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::ostringstream note;
    if (const EmissionFactorEntry* e = national_emission_factor(cfg, out[i].region)) {
      out[i].factors.ef_c = {e->ef_c, e->ef_c_range[0], e->ef_c_range[1]};
      note << "EF_c " << e->ef_c << " [" << e->ef_c_range[0] << ", " << e->ef_c_range[1] << "] Tier 2 "
           << e->region << "/" << e->season_type << " (" << e->source << ")";
    } else {
      note << "EF_c " << cfg.ef_c << " [" << cfg.ef_c_range[0] << ", " << cfg.ef_c_range[1] << "] ("
           << cfg.ef_c_source << ")";
    }
    note << "; " << amendments[i];
    out[i].note = note.str();
  }
  return out;
}

void write_methane(ResultWriter& out, const Config& cfg, const kernels::CommuneAccumulator& totals,
                   const std::vector<std::string>& codes, double pixel_area_ha, double rice_area_rel_sd) {
  const std::size_t n = totals.size();
  const std::vector<CommuneFactors> per_commune = commune_factors(cfg, codes);
  std::vector<kernels::MethaneFactors> factors;
  std::vector<std::string> factor_note;
  std::vector<double> ef_c;
  for (const auto& c : per_commune) {
    factors.push_back(c.factors);
    factor_note.push_back(c.note);
    ef_c.push_back(c.factors.ef_c.value);
  }
  std::vector<kernels::RegimeHaDays> ha_days(n);
  std::vector<double> baseline(n), project(n), reduction(n), co2e(n), ci(2 * n);
  double total_reduction = 0, total_baseline = 0, total_project = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < 4; ++k) ha_days[i][k] = static_cast<double>(totals[i].regime_days[k]) * pixel_area_ha;
    const auto e = kernels::estimate_methane(factors[i], ha_days[i]);
    baseline[i] = e.baseline_t;
    project[i] = e.project_t;
    reduction[i] = e.reduction_t();
    co2e[i] = reduction[i] * cfg.gwp100;
    total_baseline += baseline[i];
    total_project += project[i];
    total_reduction += reduction[i];
  }
  const kernels::MonteCarloSettings mc{cfg.monte_carlo_samples, static_cast<std::uint64_t>(cfg.monte_carlo_seed),
                                       rice_area_rel_sd};
  const auto interval = kernels::reduction_interval(factors, ha_days, mc);
  for (std::size_t i = 0; i < n; ++i) ci[2 * i] = interval.commune[i][0], ci[2 * i + 1] = interval.commune[i][1];
  const hsize_t hn = n;
  out.write_f64("/communes/ch4_baseline_t", {hn}, baseline);
  out.write_f64("/communes/ch4_project_t", {hn}, project);
  out.write_f64("/communes/ch4_reduction_t", {hn}, reduction);
  out.write_f64("/communes/co2e_reduction_t", {hn}, co2e);
  out.write_f64("/communes/ch4_reduction_ci95_t", {hn, 2}, ci);
  out.write_f64("/communes/ef_c_kg_ha_d", {hn}, ef_c);
  out.set_attribute("/communes/co2e_reduction_t", "gwp100", cfg.gwp100);
  out.set_attribute("/communes/ch4_baseline_t", "description",
                    "t CH4 if all rice were continuously flooded (IPCC 2019 Eq. 5.1-5.3)");
  out.set_attribute("/communes/ch4_project_t", "description",
                    "t CH4 under the detected water regimes, undetermined counted as continuously flooded");
  out.set_attribute("/communes/ef_c_kg_ha_d", "description",
                    "baseline emission factor EF_c used for the commune (IPCC default or national Tier 2; "
                    "source in /communes/methane_factors)");
  out.set_attribute("/communes/ch4_reduction_ci95_t", "description",
                    rice_area_rel_sd > 0
                        ? "2.5 % and 97.5 % quantiles of the reduction, Monte Carlo over the factor ranges "
                          "(methane.* in config_toml) and the rice-area standard error of the classifier's "
                          "validation (Olofsson et al. 2014; attr rice_area_rel_sd)"
                        : "2.5 % and 97.5 % quantiles of the reduction, Monte Carlo over the factor ranges "
                          "(methane.* in config_toml); rice area taken as exact (no classifier validation)");
  out.set_attribute("/communes/ch4_reduction_ci95_t", "rice_area_rel_sd", rice_area_rel_sd);
  // Commune intervals share one factor draw, so they do not add: the
  // province interval comes from the same draws, summed per draw.
  out.set_attribute("/communes/ch4_reduction_ci95_t", "province_reduction_t", total_reduction);
  out.set_attribute("/communes/ch4_reduction_ci95_t", "province_ci95_t",
                    std::vector<double>{interval.total[0], interval.total[1]});
  out.set_attribute("/communes/ch4_reduction_ci95_t", "province_baseline_t", total_baseline);
  out.set_attribute("/communes/ch4_reduction_ci95_t", "province_project_t", total_project);
  // The province plan, for the report's progress lines ([targets]).
  out.set_attribute("/communes/ch4_reduction_t", "target_low_emission_share", cfg.target_low_emission_share);
  out.set_attribute("/communes/ch4_reduction_t", "target_emission_reduction", cfg.target_emission_reduction);
  out.set_attribute("/communes/ch4_reduction_t", "target_reference_year", cfg.target_reference_year);
  out.set_attribute("/communes/ch4_reduction_t", "target_reference_ch4_t", cfg.reference_ch4_t);
  const std::vector<std::string> sources = {cfg.ef_c_source, cfg.sf_w_source, cfg.sf_p_source};
  out.set_attribute("/communes/ch4_baseline_t", "factor_sources", sources);
  out.write_strings("/communes/methane_factors", factor_note);
}

}  // namespace paddymrv
