#pragma once
// Speckle reduction for a block's Sentinel-1 time stack.
//
// Two stages, both preserving the local mean of linear power:
//  1. Multi-temporal (Quegan & Yu 2001, IEEE TGRS 39(11)): each date is the
//     spatial local mean of that date times the temporal average of the
//     ratio image I_i / E[I_i] over all dates. Where the scene changes in
//     time the ratios still carry the change, and the ENL grows up to N·L.
//  2. Spatial Lee (Lee 1980, IEEE PAMI 2(2)) on a window: a pixel moves
//     toward its local mean by k = var_x / (var_x + mean²/L), so that
//     homogeneous fields are smoothed and edges (bunds, roads) are kept.
// Both need the halo declared by `halo()` around the block to give the same
// result streamed as whole-image (OTB's GenerateInputRequestedRegion).
#include <span>
#include <vector>

namespace paddymrv::kernels {

struct SpeckleFilterParams {
  int window = 5;         // odd side of the local-statistics window
  float looks = 4.5f;     // ENL of one input date (Sentinel-1 GRD IW ≈ 4.4)
  bool multitemporal = true;
};

inline int halo(const SpeckleFilterParams& p) { return p.window / 2; }

// Lee filter on one date (width × height, row-major, linear power; NaN =
// missing, left missing and ignored in the statistics). In place.
void lee_filter(std::span<float> image, int width, int height, const SpeckleFilterParams& p);

// Quegan multi-temporal filter over `stack` (dates × width × height, linear,
// NaN = missing), in place. Dates with no data are left as they are.
void quegan_filter(std::vector<std::vector<float>>& stack, int width, int height, const SpeckleFilterParams& p);

// Equivalent number of looks of a homogeneous sample: mean² / variance.
double equivalent_looks(std::span<const float> sample);

}  // namespace paddymrv::kernels
