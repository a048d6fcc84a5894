#include "pipeline/methane_writer.hpp"

#include <spdlog/spdlog.h>

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

void write_methane(ResultWriter& out, const Config& cfg, const kernels::CommuneAccumulator& totals,
                   const std::vector<std::string>& codes, double pixel_area_ha) {
  const std::size_t n = totals.size();
  std::vector<kernels::MethaneFactors> factors(n, methane_factors(cfg));
  std::vector<std::string> factor_note(n, "province default [methane]");
  for (const auto& o : cfg.methane_communes) {
    bool found = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (codes[i] != o.code) continue;
      found = true;
      factors[i].amendments.clear();
      for (std::size_t a = 0; a < o.amendment_rates.size(); ++a)
        factors[i].amendments.push_back(
            {o.amendment_rates[a], {o.amendment_cfoa[a], o.amendment_cfoa[a], o.amendment_cfoa[a]}});
      factor_note[i] = "[[methane_commune]] " + o.code + (o.source.empty() ? "" : " (" + o.source + ")");
    }
    if (!found) spdlog::warn("[[methane_commune]] code {} matches no commune; ignored", o.code);
  }
  std::vector<kernels::RegimeHaDays> ha_days(n);
  std::vector<double> baseline(n), project(n), reduction(n), co2e(n), ci(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < 4; ++k) ha_days[i][k] = static_cast<double>(totals[i].regime_days[k]) * pixel_area_ha;
    const auto e = kernels::estimate_methane(factors[i], ha_days[i]);
    baseline[i] = e.baseline_t;
    project[i] = e.project_t;
    reduction[i] = e.reduction_t();
    co2e[i] = reduction[i] * cfg.gwp100;
  }
  const auto interval = kernels::reduction_interval(factors, ha_days, cfg.monte_carlo_samples,
                                                    static_cast<std::uint64_t>(cfg.monte_carlo_seed));
  for (std::size_t i = 0; i < n; ++i) ci[2 * i] = interval[i][0], ci[2 * i + 1] = interval[i][1];
  const hsize_t hn = n;
  out.write_f64("/communes/ch4_baseline_t", {hn}, baseline);
  out.write_f64("/communes/ch4_project_t", {hn}, project);
  out.write_f64("/communes/ch4_reduction_t", {hn}, reduction);
  out.write_f64("/communes/co2e_reduction_t", {hn}, co2e);
  out.write_f64("/communes/ch4_reduction_ci95_t", {hn, 2}, ci);
  out.set_attribute("/communes/co2e_reduction_t", "gwp100", cfg.gwp100);
  out.set_attribute("/communes/ch4_baseline_t", "description",
                    "t CH4 if all rice were continuously flooded (IPCC 2019 Eq. 5.1-5.3)");
  out.set_attribute("/communes/ch4_project_t", "description",
                    "t CH4 under the detected water regimes, undetermined counted as continuously flooded");
  out.set_attribute("/communes/ch4_reduction_ci95_t", "description",
                    "2.5 % and 97.5 % quantiles of the reduction, Monte Carlo over the factor ranges "
                    "(methane.* in config_toml); the rice-area uncertainty is not included yet (no classifier "
                    "validation, issue #4)");
  const std::vector<std::string> sources = {cfg.ef_c_source, cfg.sf_w_source, cfg.sf_p_source};
  out.set_attribute("/communes/ch4_baseline_t", "factor_sources", sources);
  out.write_strings("/communes/methane_factors", factor_note);
}

}  // namespace paddymrv
