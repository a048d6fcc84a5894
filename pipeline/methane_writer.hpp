#pragma once
// The methane columns of /communes: IPCC Tier 1 per commune from the
// detected regimes and every rice pixel's cultivation days
// (kernels/ipcc_methane), the factors and their sources from the config.
#include <string>
#include <vector>

#include "kernels/commune_accumulator.hpp"
#include "kernels/ipcc_methane.hpp"
#include "pipeline/config.hpp"
#include "pipeline/result_writer.hpp"

namespace paddymrv {

// The IPCC factors of the config's [methane] section.
kernels::MethaneFactors methane_factors(const Config& config);

void write_methane(ResultWriter& out, const Config& cfg, const kernels::CommuneAccumulator& totals,
                   const std::vector<std::string>& codes, double pixel_area_ha);

}  // namespace paddymrv
