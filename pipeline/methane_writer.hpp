#pragma once
// The methane columns of /communes: IPCC Tier 1/2 per commune from the
// detected regimes and every rice pixel's cultivation days
// (kernels/ipcc_methane), the factors and their sources from the config:
// IPCC defaults, a national EF_c for the commune's region and the season type
// ([[emission_factor]]), per-commune amendments ([[methane_commune]]).
#include <string>
#include <vector>

#include "kernels/commune_accumulator.hpp"
#include "kernels/ipcc_methane.hpp"
#include "pipeline/config.hpp"
#include "pipeline/result_writer.hpp"

namespace paddymrv {

// The IPCC factors of the config's [methane] section.
kernels::MethaneFactors methane_factors(const Config& config);

// The [[emission_factor]] entry for a region and the run's season type, or
// null (IPCC default EF_c).
const EmissionFactorEntry* national_emission_factor(const Config& config, const std::string& region);

struct CommuneFactors {
  kernels::MethaneFactors factors;
  std::string region;
  std::string note;  // what applies and where it comes from, stored in /communes/methane_factors
};

// The factors of every commune (codes in /communes order).
std::vector<CommuneFactors> commune_factors(const Config& config, const std::vector<std::string>& codes);

// rice_area_rel_sd: relative standard error of the rice area from the
// classifier's validation (0 when there is none); commune_rice_area_rel_sd:
// each commune's, from the validation pixels inside it (empty: the
// province's for all, kernels::MonteCarloSettings).
void write_methane(ResultWriter& out, const Config& cfg, const kernels::CommuneAccumulator& totals,
                   const std::vector<std::string>& codes, double pixel_area_ha, double rice_area_rel_sd = 0.0,
                   const std::vector<double>& commune_rice_area_rel_sd = {});

}  // namespace paddymrv
