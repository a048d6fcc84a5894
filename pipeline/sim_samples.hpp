#pragma once
// Which fields become reference samples (to train and validate the crop
// classifier) and which file water-management claims, with the truth of
// each claim. Only fields lying wholly inside the analysis grid are used.
#include <string>
#include <vector>

#include "pipeline/sim_world.hpp"

namespace paddymrv::sim {

struct ReferenceSample {
  std::int32_t field_id = 0;
  int cls = 0;
  bool validation = false;
  PixelRect rect;  // the whole field or an interior sub-rectangle, world pixels
};

// A share of the fields of every class present (at least
// reference_min_per_class when there are that many), split train/validation.
// Sorted by field id.
std::vector<ReferenceSample> choose_reference(const SimWorld& world, const SimulationParams& params);

struct Claim {
  std::string claim_id;  // C0001 …
  std::string practice;  // AWD or CF
  std::int32_t field_id = 0;
  bool true_claim = false;  // AWD ⇔ multiple drainage, CF ⇔ continuously flooded
};

// AWD claims from a share of the AWD fields plus false AWD claims from
// non-AWD rice fields (false_claim_fraction of all AWD claims), and CF
// claims from some continuously flooded fields. Sorted by field id.
std::vector<Claim> choose_claims(const SimWorld& world, const SimulationParams& params);

}  // namespace paddymrv::sim
