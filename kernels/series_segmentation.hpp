#pragma once
// Segments of a tile whose pixels share one backscatter history: the paddies
// of a terrace, found from the radar series themselves so that the
// flood-cycle detector can average a whole field's speckle (DESIGN §5:
// field-level averaging raises the looks and the accuracy a lot; a 15-pixel
// terrace's drainage is invisible per pixel).
//
// Region merging with Ward's criterion (Ward 1963; the merge cost of Baatz &
// Schäpe's multiresolution segmentation): joining regions A and B costs
//   T = Σ_d  n_Ad n_Bd / (n_Ad + n_Bd) · (m_Ad − m_Bd)² / σ²
// over the values d (dates × polarisations, in dB) both regions observed,
// m the region means, σ² the speckle variance of one pixel's value. If A and
// B are one field, T/k follows χ²(k)/k (mean 1) whatever their sizes; a
// dry spell or a different transplanting date in one of them makes T grow
// with their sizes. Regions merge while T/k stays under `max_merge_cost`,
// mutual best neighbours first (local mutual best fitting), so the result
// does not depend on the order pixels are visited.
// Greedy merging picks the closest neighbours first, so on pure speckle it
// sorts pixels into clusters whose means stand apart by more than chance
// (as k-means does on noise): between grown regions of one field T/k drifts
// above 1, and a uniform 400-pixel field at 1.6 ended in 18 segments, at 2.0
// in 3 (tests/test_series_segmentation.cpp). Hence the default of 2.
#include <cstdint>
#include <span>
#include <vector>

namespace paddymrv::kernels {

struct SegmentationParams {
  // Largest mean merge cost per compared value (1 = one field's speckle).
  // 2.0 chosen on simulated seeds 2001–2003 (maps' accuracy on rice pixels
  // at 6 days 43.3 / 41.4 / 39.5 %, against 41.4 / 40.7 / 39.3 at 1.6 and
  // 42.5 / 39.8 / 37.5 at 4, where over-crediting doubled).
  double max_merge_cost = 2.0;
  int max_pixels = 1024;        // no segment grows beyond this (a field, not a valley)
  int min_shared_values = 6;    // fewer values observed by both: never merge
};

// The speckle variance σ² of one pixel's value, from the data: the median of
// squared differences between 4-neighbours (both in the mask, both observed)
// over 2 × 0.4549 (the median of χ²(1)), so that field edges, texture and
// calibration count as they are. `planes[k]` is value k (e.g. one date's VH
// in dB) of a width × height tile, NaN when missing. Returns 0 when no pair.
double neighbour_noise_variance(int width, int height, std::span<const std::uint8_t> mask,
                                std::span<const float* const> planes);

// Segment label of every pixel: −1 outside the mask, else 0…n−1 numbered in
// raster order of each segment's first pixel. 4-connected segments.
std::vector<std::int32_t> segment_series(int width, int height, std::span<const std::uint8_t> mask,
                                         std::span<const float* const> planes, double noise_variance,
                                         const SegmentationParams& p = {});

}  // namespace paddymrv::kernels
