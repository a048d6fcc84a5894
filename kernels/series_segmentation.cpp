#include "kernels/series_segmentation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace paddymrv::kernels {

namespace {

void check(int width, int height, std::span<const std::uint8_t> mask, std::span<const float* const> planes) {
  if (width < 0 || height < 0) throw std::invalid_argument("segment_series: negative size");
  const std::size_t n = static_cast<std::size_t>(width) * height;
  if (mask.size() != n) throw std::invalid_argument("segment_series: mask size differs from the tile");
  for (const float* p : planes)
    if (p == nullptr && n > 0) throw std::invalid_argument("segment_series: null plane");
}

// Regions as sums per value; a region absorbed by another points to it.
class Regions {
 public:
  Regions(std::size_t n_regions, std::size_t n_values)
      : D_(n_values), sum_(n_regions * n_values, 0.0), count_(n_regions * n_values, 0), pixels_(n_regions, 1),
        parent_(n_regions), neighbours_(n_regions) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  std::size_t size() const { return parent_.size(); }
  double& sum(std::size_t r, std::size_t d) { return sum_[r * D_ + d]; }
  std::int32_t& count(std::size_t r, std::size_t d) { return count_[r * D_ + d]; }
  std::vector<std::int32_t>& neighbours(std::size_t r) { return neighbours_[r]; }
  int pixels(std::size_t r) const { return pixels_[r]; }
  bool alive(std::size_t r) const { return parent_[r] == static_cast<std::int32_t>(r); }

  std::int32_t find(std::int32_t r) {
    while (parent_[static_cast<std::size_t>(r)] != r) {
      parent_[static_cast<std::size_t>(r)] = parent_[static_cast<std::size_t>(parent_[static_cast<std::size_t>(r)])];
      r = parent_[static_cast<std::size_t>(r)];
    }
    return r;
  }

  // Ward cost of joining a and b per shared value, in units of σ²
  // (`inv_var` = 1/σ²); +inf when they share too few values.
  double cost(std::size_t a, std::size_t b, double inv_var, int min_shared) const {
    const double* sa = &sum_[a * D_];
    const double* sb = &sum_[b * D_];
    const std::int32_t* na = &count_[a * D_];
    const std::int32_t* nb = &count_[b * D_];
    double t = 0;
    int k = 0;
    for (std::size_t d = 0; d < D_; ++d) {
      if (na[d] == 0 || nb[d] == 0) continue;
      const double ma = sa[d] / na[d], mb = sb[d] / nb[d];
      t += static_cast<double>(na[d]) * nb[d] / (na[d] + nb[d]) * (ma - mb) * (ma - mb);
      ++k;
    }
    if (k < min_shared) return std::numeric_limits<double>::infinity();
    return t * inv_var / k;
  }

  void absorb(std::size_t into, std::size_t from) {
    for (std::size_t d = 0; d < D_; ++d) {
      sum_[into * D_ + d] += sum_[from * D_ + d];
      count_[into * D_ + d] += count_[from * D_ + d];
    }
    pixels_[into] += pixels_[from];
    parent_[from] = static_cast<std::int32_t>(into);
    auto& a = neighbours_[into];
    a.insert(a.end(), neighbours_[from].begin(), neighbours_[from].end());
    neighbours_[from].clear();
    neighbours_[from].shrink_to_fit();
  }

  // After a pass: neighbour lists name living regions, sorted, once, no self.
  void tidy(std::size_t r) {
    auto& a = neighbours_[r];
    for (auto& s : a) s = find(s);
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    a.erase(std::remove(a.begin(), a.end(), static_cast<std::int32_t>(r)), a.end());
  }

 private:
  std::size_t D_;
  std::vector<double> sum_;
  std::vector<std::int32_t> count_;
  std::vector<int> pixels_;
  std::vector<std::int32_t> parent_;
  std::vector<std::vector<std::int32_t>> neighbours_;
};

}  // namespace

double neighbour_noise_variance(int width, int height, std::span<const std::uint8_t> mask,
                                std::span<const float* const> planes) {
  check(width, height, mask, planes);
  std::vector<float> sq;
  auto pair = [&](std::size_t i, std::size_t j) {
    if (!mask[i] || !mask[j]) return;
    for (const float* p : planes) {
      const float a = p[i], b = p[j];
      if (std::isfinite(a) && std::isfinite(b)) sq.push_back((a - b) * (a - b));
    }
  };
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * width + x;
      if (x + 1 < width) pair(i, i + 1);
      if (y + 1 < height) pair(i, i + static_cast<std::size_t>(width));
    }
  if (sq.empty()) return 0.0;
  auto mid = sq.begin() + static_cast<std::ptrdiff_t>(sq.size() / 2);
  std::nth_element(sq.begin(), mid, sq.end());
  // (a − b)² = 2σ² χ²(1) for two independent values of one field.
  constexpr double median_chi2_1 = 0.45493642;
  return *mid / (2.0 * median_chi2_1);
}

std::vector<std::int32_t> segment_series(int width, int height, std::span<const std::uint8_t> mask,
                                         std::span<const float* const> planes, double noise_variance,
                                         const SegmentationParams& p) {
  check(width, height, mask, planes);
  const std::size_t n = static_cast<std::size_t>(width) * height, D = planes.size();
  std::vector<std::int32_t> region_of(n, -1);
  std::size_t n_regions = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (mask[i]) region_of[i] = static_cast<std::int32_t>(n_regions++);

  Regions regions(n_regions, D);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t r = region_of[i];
    if (r < 0) continue;
    for (std::size_t d = 0; d < D; ++d) {
      const float v = planes[d][i];
      if (!std::isfinite(v)) continue;
      regions.sum(static_cast<std::size_t>(r), d) = v;
      regions.count(static_cast<std::size_t>(r), d) = 1;
    }
    const int x = static_cast<int>(i % static_cast<std::size_t>(width)), y = static_cast<int>(i / static_cast<std::size_t>(width));
    auto link = [&](std::size_t j) {
      if (region_of[j] < 0) return;
      regions.neighbours(static_cast<std::size_t>(r)).push_back(region_of[j]);
      regions.neighbours(static_cast<std::size_t>(region_of[j])).push_back(r);
    };
    if (x + 1 < width) link(i + 1);
    if (y + 1 < height) link(i + static_cast<std::size_t>(width));
  }

  if (noise_variance > 0 && std::isfinite(noise_variance)) {
    const double inv_var = 1.0 / noise_variance;
    constexpr double inf = std::numeric_limits<double>::infinity();
    std::vector<double> best_cost(n_regions);
    std::vector<std::int32_t> best(n_regions);
    for (std::size_t r = 0; r < n_regions; ++r) regions.tidy(r);
    for (bool merged = true; merged;) {
      merged = false;
      std::fill(best_cost.begin(), best_cost.end(), inf);
      std::fill(best.begin(), best.end(), -1);
      // Each adjacent pair once; ties go to the lower id, so the choice
      // does not depend on the order pairs are seen.
      auto offer = [&](std::size_t r, std::int32_t s, double c) {
        if (c < best_cost[r] || (c == best_cost[r] && s < best[r])) best_cost[r] = c, best[r] = s;
      };
      for (std::size_t r = 0; r < n_regions; ++r) {
        if (!regions.alive(r)) continue;
        for (const std::int32_t s : regions.neighbours(r)) {
          if (static_cast<std::size_t>(s) < r) continue;
          if (regions.pixels(r) + regions.pixels(static_cast<std::size_t>(s)) > p.max_pixels) continue;
          const double c = regions.cost(r, static_cast<std::size_t>(s), inv_var, p.min_shared_values);
          if (!(c < p.max_merge_cost)) continue;
          offer(r, s, c);
          offer(static_cast<std::size_t>(s), static_cast<std::int32_t>(r), c);
        }
      }
      for (std::size_t r = 0; r < n_regions; ++r) {
        const std::int32_t s = best[r];
        if (s < 0 || static_cast<std::size_t>(s) < r || best[static_cast<std::size_t>(s)] != static_cast<std::int32_t>(r))
          continue;
        regions.absorb(r, static_cast<std::size_t>(s));
        merged = true;
      }
      if (merged)
        for (std::size_t r = 0; r < n_regions; ++r)
          if (regions.alive(r)) regions.tidy(r);
    }
  }

  // Labels numbered in raster order of each segment's first pixel.
  std::vector<std::int32_t> label(n, -1), number(n_regions, -1);
  std::int32_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (region_of[i] < 0) continue;
    const auto root = static_cast<std::size_t>(regions.find(region_of[i]));
    if (number[root] < 0) number[root] = next++;
    label[i] = number[root];
  }
  return label;
}

}  // namespace paddymrv::kernels
