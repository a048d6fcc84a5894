#pragma once
// The evidence picture of one claim, what a verifier looks at before
// signing: the field-averaged VV and VH backscatter through the season, the
// flooded period and every detected dry period shaded, and the verdict.
// Returned as PNG bytes (stored in the result under /claims/evidence).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/flood_cycle.hpp"

namespace paddymrv {

struct EvidenceInput {
  std::string claim_id, practice, verdict, reason;
  std::chrono::sys_days season_start{};
  int season_days = 0;
  std::vector<int> days;
  std::vector<float> vv, vh;  // linear power, NaN = no usable pixel that date
  kernels::FloodCycle cycle;
};

std::vector<std::uint8_t> claim_evidence_png(const EvidenceInput& in);

}  // namespace paddymrv
