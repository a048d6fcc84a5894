#pragma once
// Accuracy of a classification from a confusion matrix (rows = map/predicted
// class, columns = reference class, the convention of Olofsson et al. 2014):
// overall accuracy, Cohen's kappa, per-class precision (user's accuracy),
// recall (producer's accuracy) and F1.
#include <cstdint>
#include <vector>

namespace paddymrv::kernels {

struct ConfusionMatrix {
  explicit ConfusionMatrix(int classes = 0) : k(classes), n(static_cast<std::size_t>(classes) * classes, 0) {}
  int k;
  std::vector<std::int64_t> n;  // n[map * k + reference]
  std::int64_t& at(int map, int ref) { return n[static_cast<std::size_t>(map) * k + ref]; }
  std::int64_t at(int map, int ref) const { return n[static_cast<std::size_t>(map) * k + ref]; }
  std::int64_t total() const;
};

struct ClassAccuracy {
  double precision = 0, recall = 0, f1 = 0;  // NaN when undefined (no map / reference samples)
  std::int64_t map_count = 0, reference_count = 0;
};

struct AccuracyReport {
  double overall = 0, kappa = 0;
  std::vector<ClassAccuracy> classes;
};

AccuracyReport assess(const ConfusionMatrix& m);

}  // namespace paddymrv::kernels
