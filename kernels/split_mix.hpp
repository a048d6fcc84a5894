#pragma once
// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
// generators", OOPSLA): tiny and identical everywhere, unlike
// std::uniform_int_distribution, whose output the standard leaves to the
// library. The bootstraps of the area intervals draw from it, so a model
// and a map give the same intervals on every platform.
#include <cstddef>
#include <cstdint>

namespace paddymrv::kernels {

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); the modulo bias (n / 2⁶⁴) is far below anything a
  // few thousand replicates could show.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace paddymrv::kernels
