#pragma once
// Cloud fields for the simulated Sentinel-2 scenes: smooth blobs from
// thresholded fractal value noise. The noise is a pure function of
// (seed, x, y), so a cloud and its shadow (the same field read at a fixed
// displacement) can be evaluated anywhere without storing anything.
//
// Per pixel: noise above `cloud` is cloud (SCL 8 medium, 9 high in the
// cores), a rim just below it is thin cirrus (SCL 10); the thresholds are
// quantiles of the scene's noise so that the cloudy fraction is exactly the
// one drawn for the date.
#include <cstdint>
#include <vector>

namespace paddymrv::kernels::sim {

// Fractal value noise in [0, 1): `octaves` layers of lattice noise, the
// first with cells of `scale` pixels, each next one half the size and half
// the weight; smoothstep interpolation between lattice values.
double fractal_noise(std::uint64_t seed, double x, double y, double scale, int octaves);

enum class Sky : std::uint8_t { clear, cirrus, cloud_medium, cloud_high };

struct CloudThresholds {
  double cirrus = 2, cloud = 2, high = 2;  // > 1: nothing above
};

// Thresholds so that a fraction `cover` of the values is cirrus or cloud,
// of which `cirrus_share` is cirrus, and `high_share` of the cloud is high.
// Takes the values by copy (it partially sorts them).
CloudThresholds cloud_thresholds(std::vector<float> values, double cover, double cirrus_share, double high_share);

inline Sky classify_sky(double n, const CloudThresholds& t) {
  if (n >= t.high) return Sky::cloud_high;
  if (n >= t.cloud) return Sky::cloud_medium;
  if (n >= t.cirrus) return Sky::cirrus;
  return Sky::clear;
}

// 0 at the edge of a cloud, 1 at the densest core.
inline double cloud_thickness(double n, const CloudThresholds& t) {
  return t.cloud < 1 ? (n - t.cloud) / (1.0 - t.cloud) : 0.0;
}
// 0 at the outer rim of the cirrus, 1 where the cloud begins.
inline double cirrus_strength(double n, const CloudThresholds& t) {
  return t.cloud > t.cirrus ? (n - t.cirrus) / (t.cloud - t.cirrus) : 1.0;
}

}  // namespace paddymrv::kernels::sim
