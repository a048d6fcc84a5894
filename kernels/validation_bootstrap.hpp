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
// their reference class, as the split draws them (train_job).
#include <cstdint>
#include <vector>

#include "kernels/accuracy_assessment.hpp"

namespace paddymrv::kernels {

struct ValidationPolygon {
  int reference = 0;                 // its reference class (matrix index)
  std::vector<std::int64_t> mapped;  // its validation pixels per map class (matrix index)
};

// The confusion matrix (rows map, columns reference) of the polygons.
ConfusionMatrix confusion_of(const std::vector<ValidationPolygon>& polygons, int classes);

// `replicates` matrices, each of as many polygons per reference class as the
// sample holds, drawn with replacement (a fixed generator: same seed, same
// matrices on every platform).
std::vector<ConfusionMatrix> bootstrap_confusion(const std::vector<ValidationPolygon>& polygons, int classes,
                                                 int replicates, std::uint64_t seed);

}  // namespace paddymrv::kernels
