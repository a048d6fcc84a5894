#pragma once
// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
// generators", OOPSLA): tiny and identical everywhere, unlike
// std::uniform_int_distribution, whose output the standard leaves to the
// library. The bootstraps of the area intervals draw from it, so a model
// and a map give the same intervals on every platform.
#include <cstddef>
#include <cstdint>

namespace paddymrv::kernels {

// The SplitMix64 finaliser: a bijective 64-bit mix (also the simulator's
// stream hash, sim_random.hpp).
constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    const std::uint64_t z = state;
    state += 0x9e3779b97f4a7c15ULL;
    return mix64(z);
  }
  // Uniform in [0, n); the modulo bias (n / 2⁶⁴) is far below anything a
  // few thousand replicates could show.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace paddymrv::kernels
