#pragma once
// Error-adjusted area of each class inside each domain (commune) of the map,
// with a 95 % interval, from the one validation sample of the whole map.
//
// Why not Olofsson's estimator per commune with the province's error
// matrix (the "synthetic" estimator): it assumes the map errs the same way
// in every commune. Where it does not, the commune's area is biased and its
// interval, which only carries the province sample's variance, misses the
// truth far more often than 5 % (on the held-out crop seasons the truth lay
// inside 74 % of the commune × class intervals).
//
// The difference estimator (Särndal, Swensson & Wretman 1992, Model
// Assisted Survey Sampling, Springer; for land-cover areas Stehman 2009, Remote
// Sens. Environ. 113:2455) starts from the commune's own mapped area and
// corrects it with the errors of the validation pixels that fall inside the
// commune. With the map classes as strata (h), A_h the mapped area of
// stratum h over all domains, n_h its validation pixels, and for a pixel u
// of stratum h  e_u = 1[u in d] · (1[reference = k] − 1[h = k]):
//   Â_dk = M_dk + Σ_h A_h ē_h                   (ē_h: mean of e_u over the stratum's sample)
//   V(Â_dk) = Σ_h A_h² s²_h / n_h               (s²_h: sample variance of e_u)
// Summed over the communes it is Olofsson's province estimate (Eq. 9) on
// the same pixels. For a probability sample of the map (random points) it
// is design-unbiased per commune whatever the geography of the errors
// (reference polygons chosen by class are no such sample: indicative only).
// A commune no validation pixel falls in keeps its mapped area.
//
// As in area_estimate.hpp:
//  * the interval is 1.96 × the larger of the standard deviation over
//    bootstrap replicates (whole units redrawn within their reference
//    class: a polygon's pixels share its errors) and √V on the pixels;
//  * where none of the stratum's pixels inside the commune is wrong, V says
//    ± 0 for the commune's class h, though the next sample might hold an
//    error: the variance is then at least V at the share w (in the commune
//    and wrong) that w's posterior under a uniform prior makes plausible,
//    A_h² Var Beta(1, u_h + 1) for the stratum's u_h units (about one unit's
//    worth of area, A_h / u_h), but at most (M_dh / 2)²: what an unseen
//    error leaves out is commission inside the commune's mapped area of h,
//    between 0 and M_dh (Kish's effective number of
//    units for polygons, where the floor also holds with errors seen, so a
//    wrong pixel never narrows an interval);
//  * a stratum without any validation pixel keeps its mapped area with the
//    uniform prior's variance M_dh² / 12.
// Omission into class k hidden in another stratum that the commune's sample
// did not catch still adds nothing (as in area_estimate.hpp).
// Validation pixels outside every domain are not part of the population the
// strata areas describe (the domains' map) and are left out.
#include <cstdint>
#include <vector>

namespace paddymrv::kernels {

// Pixels of one validation unit (polygon or point) that lie in one domain
// and carry one map class.
struct DomainPixels {
  int domain = -1;  // −1: outside every domain
  int mapped = 0;   // map class (matrix index)
  std::int64_t pixels = 0;
};

struct DomainUnit {
  int reference = 0;  // reference class (matrix index)
  std::vector<DomainPixels> pixels;
};

struct DomainAreaEstimate {
  int domains = 0, classes = 0;
  std::vector<double> adjusted;  // domains × classes, row-major; same units as the mapped areas
  std::vector<double> ci95;      // half-width of the 95 % interval
};

// `mapped_area` = domains × classes (row-major): each domain's mapped area
// per class. `replicates` = 0: the interval from V alone.
DomainAreaEstimate domain_area_estimate(const std::vector<DomainUnit>& units, int classes,
                                        const std::vector<double>& mapped_area, int replicates,
                                        std::uint64_t seed);

}  // namespace paddymrv::kernels
