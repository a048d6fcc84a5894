#pragma once
// Bootstrap of a validation sample drawn as whole polygons, for the interval
// of the error-adjusted areas (area_estimate.hpp).
//
// Why: the validation pixels come in reference polygons, and the pixels of
// one field share its errors — a field the forest gets wrong is wrong on
// all its pixels. Olofsson's variance (Eq. 10) counts every pixel as an
// independent draw, so with a few hundred pixels per polygon it is too
// narrow by about the square root of the polygon size. Resampling whole
// polygons (the sampling units; Efron & Tibshirani 1993, ch. 6, the
// cluster bootstrap; Stehman 1997 on cluster sampling for accuracy
// assessment) keeps their errors together. Polygons are redrawn within
// their reference class: the validation sample is made per class (train's
// seeded split holds out a share of each class's polygons).
#include <cstdint>
#include <vector>

#include "kernels/accuracy_assessment.hpp"
#include "kernels/area_estimate.hpp"

namespace paddymrv::kernels {

struct ValidationPolygon {
  int reference = 0;                 // its reference class (matrix index)
  std::vector<std::int64_t> mapped;  // its validation pixels per map class (matrix index)
  bool operator==(const ValidationPolygon&) const = default;
};

// The confusion matrix (rows map, columns reference) of the polygons.
ConfusionMatrix confusion_of(const std::vector<ValidationPolygon>& polygons, int classes);

// Effective sampling units per map class (stratum), area_estimate.hpp's
// StratumUnits: Kish's (Σ m)² / Σ m² over the polygons' pixel counts m in
// the stratum, so that a polygon touching it with one pixel counts for
// little; and that number times the stratum's share of right pixels. A
// point is one unit of one pixel.
StratumUnits units_per_stratum(const std::vector<ValidationPolygon>& polygons, int classes);

// `replicates` matrices, each of as many polygons per reference class as the
// sample holds, drawn with replacement (a fixed generator: same seed, same
// matrices on every platform). None when there is no polygon. A class with
// one validation polygon always redraws it and adds no variance; with n
// polygons the variance is low by (n − 1)/n — the caller floors the interval
// with Eq. 10 (area_estimate.hpp).
std::vector<ConfusionMatrix> bootstrap_confusion(const std::vector<ValidationPolygon>& polygons, int classes,
                                                 int replicates, std::uint64_t seed);

}  // namespace paddymrv::kernels
