#pragma once
// The verdict on one adoption claim, from the flooding cycle of the claimed
// field's averaged series. A claim is `verified` only when the radar shows
// the claimed drainage pattern with confirmed events; when the data cannot
// tell (too few dates, a gap, not a paddy), the verdict is
// `insufficient_data`, never a guess in the claimant's favour.
#include <string>

#include "kernels/flood_cycle.hpp"

namespace paddymrv::kernels {

enum class Verdict { verified, not_verified, insufficient_data };

inline const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::verified: return "verified";
    case Verdict::not_verified: return "not_verified";
    case Verdict::insufficient_data: return "insufficient_data";
  }
  return "?";
}

struct ClaimDecision {
  Verdict verdict = Verdict::insufficient_data;
  std::string reason;
};

// The IPCC regime a claimed practice asserts: AWD / MULTIPLE_DRAINAGE /
// MULTIPLE → multiple drainage, SINGLE / SINGLE_DRAINAGE / MSD → single
// drainage, CF / CONTINUOUSLY_FLOODED → continuously flooded
// (case-insensitive); undetermined for an unknown practice.
WaterRegime claimed_regime(const std::string& practice);

// practice: as claimed_regime. rice_fraction: share of the
// field's pixels in the rice mask.
ClaimDecision decide_claim(const std::string& practice, const FloodCycle& cycle, double rice_fraction,
                           double min_rice_fraction);

}  // namespace paddymrv::kernels
