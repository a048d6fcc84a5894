#pragma once
// Stratified, error-adjusted area estimation with a 95 % confidence interval
// (Olofsson et al. 2014, "Good practices for estimating area and assessing
// accuracy of land change", Remote Sens. Environ. 148:42–57, Eqs. 2–11):
// the map classes are the strata; with W_i the mapped area share of class i,
// n_ij the validation sample counts (map i, reference j) and n_i· their row
// totals,
//   p̂_ij = W_i n_ij / n_i·                                   (Eq. 4)
//   Â_j  = A_tot Σ_i p̂_ij                                    (Eq. 9)
//   S(p̂·j) = sqrt( Σ_i W_i² (n_ij/n_i·)(1 − n_ij/n_i·)/(n_i· − 1) ) (Eq. 10)
//   95 % CI = ± 1.96 A_tot S(p̂·j)                             (Eq. 11)
// Overall, user's and producer's accuracies follow from p̂ (Eqs. 1–3).
// One departure from Eq. 10: a stratum whose sample saw no error in its own
// class (n_ii = n_i·, or none right) adds the variance of that share's
// posterior under a uniform prior, Beta(n_ii + 1, n_i· − n_ii + 1), instead
// of zero, so that a class with a few error-free validation samples does not
// get a zero-width interval (and never a narrower one than with one error).
// When the stratum's pixels come in fewer effective sampling units u
// (polygons), r of them right, the posterior is counted in units,
// Beta(r + 1, u − r + 1), and the diagonal term is the larger of it and
// Eq. 10's.
// Off-diagonal cells with no sample still add nothing: an error of class j
// hidden in another, large stratum stays unbounded.
// The estimator assumes the validation sample is a stratified random
// sample of the map; reference polygons are not, so the interval is
// indicative (documented in docs/crop_classification.md).
#include <vector>

#include "kernels/accuracy_assessment.hpp"

namespace paddymrv::kernels {

// The validation sample's sampling units per map class (stratum): `units`
// is Kish's effective number of units (polygons, or points) among the
// stratum's pixels, (Σ m)² / Σ m² over the units' pixel counts m there, and
// `right` that number times the share of the pixels whose reference is the
// stratum's class. Empty: count pixels.
struct StratumUnits {
  std::vector<double> units, right;
};

struct AreaEstimate {
  std::vector<double> mapped;    // mapped area per class (input units)
  std::vector<double> adjusted;  // error-adjusted area Â_j
  std::vector<double> ci95;      // half-width of the 95 % interval
  std::vector<double> users, producers;  // estimated user's/producer's accuracy (NaN if undefined)
  double overall = 0;
};

// mapped_area[i] = area mapped as class i (same class order as the matrix).
// Strata without validation samples contribute their mapped area unchanged
// to their own class, with the variance of a uniform prior on its share
// (W_i²/12: no evidence either way, so not ± 0).
// `units`, when given (validation_bootstrap.hpp), counts the independent
// sampling units of each stratum — polygons, whose pixels share their
// errors — and the stratum's posterior is counted in them instead of its
// pixels: twenty error-free pixels of one field are one error-free field.
AreaEstimate stratified_area_estimate(const ConfusionMatrix& sample, const std::vector<double>& mapped_area,
                                      const StratumUnits& units = {});

// The same point estimate, with the interval from replicates of the sample:
// ci95 = 1.96 × the standard deviation of Â_j over the replicate matrices
// (validation_bootstrap.hpp: whole polygons resampled, since their pixels
// are not independent draws), never narrower than Eq. 10's. Without
// replicates, Eq. 10.
AreaEstimate stratified_area_estimate(const ConfusionMatrix& sample, const std::vector<double>& mapped_area,
                                      const std::vector<ConfusionMatrix>& replicates,
                                      const StratumUnits& units = {});

}  // namespace paddymrv::kernels
