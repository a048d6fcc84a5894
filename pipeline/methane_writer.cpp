#include "pipeline/methane_writer.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

namespace paddymrv {

namespace {

// Eq. 5.3 amendments with their CFOA ranges; without ranges (validate()
// allows none) a CFOA is exact in the Monte Carlo, and the notes say so.
std::vector<kernels::Amendment> amendments_of(const std::vector<double>& rates, const std::vector<double>& cfoa,
                                              const std::vector<double>& low, const std::vector<double>& high) {
  std::vector<kernels::Amendment> out;
  for (std::size_t a = 0; a < rates.size(); ++a) {
    const bool ranged = a < low.size() && a < high.size();
    out.push_back({rates[a], {cfoa[a], ranged ? low[a] : cfoa[a], ranged ? high[a] : cfoa[a]}});
  }
  return out;
}

std::string describe_amendments(const std::vector<kernels::Amendment>& amendments) {
  if (amendments.empty()) return "no organic amendments (SF_o 1)";
  std::ostringstream os;
  for (std::size_t a = 0; a < amendments.size(); ++a) {
    const auto& m = amendments[a];
    os << (a ? ", " : "") << m.rate_t_per_ha << " t/ha × CFOA " << m.cfoa.value;
    if (m.cfoa.low == m.cfoa.high) os << " (no range given: exact)";
    else os << " [" << m.cfoa.low << ", " << m.cfoa.high << "]";
  }
  os << " → SF_o " << kernels::scaling_factor_organic(amendments);
  return os.str();
}

}  // namespace

kernels::MethaneFactors methane_factors(const Config& cfg) {
  kernels::MethaneFactors f;
  f.ef_c = {cfg.ef_c, cfg.ef_c_range[0], cfg.ef_c_range[1]};
  for (std::size_t k = 0; k < 3; ++k) f.sf_w[k] = {cfg.sf_w[k], cfg.sf_w_low[k], cfg.sf_w_high[k]};
  f.sf_p = {cfg.sf_p, cfg.sf_p_range[0], cfg.sf_p_range[1]};
  f.amendments = amendments_of(cfg.amendment_rates, cfg.amendment_cfoa, cfg.amendment_cfoa_low, cfg.amendment_cfoa_high);
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
      out[i].factors.amendments =
          amendments_of(o.amendment_rates, o.amendment_cfoa, o.amendment_cfoa_low, o.amendment_cfoa_high);
      amendments[i] = "amendments [[methane_commune]] " + o.code + (o.source.empty() ? "" : " (" + o.source + ")");
    }
    if (!found) spdlog::warn("[[methane_commune]] code {} matches no commune; ignored", o.code);
  }
  std::size_t exact_cfoa = 0;
  for (const auto& c : out)
    for (const auto& a : c.factors.amendments) exact_cfoa += a.cfoa.low == a.cfoa.high;
  if (exact_cfoa > 0)
    spdlog::warn("{} organic amendment(s) have no CFOA range (amendment_cfoa_low/_high): the methane interval "
                 "treats their CFOA as exact and is too narrow by that much (IPCC Table 5.14 gives the ranges)",
                 exact_cfoa);
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
    const auto& f = out[i].factors;
    note << "; SF_p " << f.sf_p.value;
    if (f.sf_p.low == f.sf_p.high) note << " (no range given: exact)";
    else note << " [" << f.sf_p.low << ", " << f.sf_p.high << "]";
    note << "; " << amendments[i] << ": " << describe_amendments(f.amendments);
    out[i].note = note.str();
  }
  return out;
}

void write_methane(ResultWriter& out, const Config& cfg, const kernels::CommuneAccumulator& totals,
                   const std::vector<std::string>& codes, double pixel_area_ha, double rice_area_rel_sd,
                   const std::vector<double>& commune_rice_area_rel_sd) {
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
                                       rice_area_rel_sd,
                                       commune_rice_area_rel_sd.size() == n ? commune_rice_area_rel_sd
                                                                            : std::vector<double>{}};
  const auto interval = kernels::reduction_interval(factors, ha_days, mc);
  for (std::size_t i = 0; i < n; ++i) ci[2 * i] = interval.commune[i][0], ci[2 * i + 1] = interval.commune[i][1];
  const hsize_t hn = n;
  out.write_f64("/communes/ch4_baseline_t", {hn}, baseline);
  out.write_f64("/communes/ch4_project_t", {hn}, project);
  out.write_f64("/communes/ch4_reduction_t", {hn}, reduction);
  out.write_f64("/communes/co2e_reduction_t", {hn}, co2e);
  out.write_f64("/communes/ch4_reduction_ci95_t", {hn, 2}, ci);
  out.write_f64("/communes/ef_c_kg_ha_d", {hn}, ef_c);
  // t × A of Eq. 5.1 per regime, so that a verifier can redo every commune's
  // figures by hand from these and the factors in config_toml.
  std::vector<double> ha_days_flat;
  for (const auto& h : ha_days) ha_days_flat.insert(ha_days_flat.end(), h.begin(), h.end());
  out.write_f64("/communes/regime_ha_days", {hn, 4}, ha_days_flat);
  out.set_attribute("/communes/regime_ha_days", "labels",
                    std::vector<std::string>{"continuously_flooded", "single_drainage", "multiple_drainage",
                                             "undetermined"});
  out.set_attribute("/communes/regime_ha_days", "description",
                    "Σ over the commune's rice pixels of pixel area (ha) × cultivation days (/qa/cultivation_days), "
                    "per water regime: t × A of IPCC 2019 Eq. 5.1. Baseline = EF(CF) × Σ all columns × 1e-3; "
                    "project = EF(CF) × (CF + undetermined) + EF(single) × single + EF(multiple) × multiple");
  out.set_attribute("/communes/co2e_reduction_t", "gwp100", cfg.gwp100);
  out.set_attribute("/communes/ch4_baseline_t", "description",
                    "t CH4 if all rice were continuously flooded (IPCC 2019 Eq. 5.1-5.3)");
  out.set_attribute("/communes/ch4_project_t", "description",
                    "t CH4 under the detected water regimes, undetermined counted as continuously flooded");
  out.set_attribute("/communes/ef_c_kg_ha_d", "description",
                    "baseline emission factor EF_c used for the commune (IPCC default or national Tier 2; "
                    "source in /communes/methane_factors)");
  out.set_attribute("/communes/ch4_reduction_ci95_t", "description",
                    rice_area_rel_sd > 0 || !mc.commune_area_rel_sd.empty()
                        ? "2.5 % and 97.5 % quantiles of the reduction, Monte Carlo over the factor ranges "
                          "(methane.* in config_toml) and the rice-area standard error of the classifier's "
                          "validation (Olofsson et al. 2014; attr rice_area_rel_sd), shared by all communes, "
                          "plus, where a commune's own rice area is less certain (attr "
                          "rice_area_rel_sd_per_commune, from the validation pixels inside it), an independent "
                          "draw for the rest"
                        : "2.5 % and 97.5 % quantiles of the reduction, Monte Carlo over the factor ranges "
                          "(methane.* in config_toml); rice area taken as exact (no classifier validation)");
  out.set_attribute("/communes/ch4_reduction_ci95_t", "rice_area_rel_sd", rice_area_rel_sd);
  if (!mc.commune_area_rel_sd.empty())
    out.set_attribute("/communes/ch4_reduction_ci95_t", "rice_area_rel_sd_per_commune", mc.commune_area_rel_sd);
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
