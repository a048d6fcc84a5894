#pragma once
// Which Sentinel-2 scene-classification (SCL) classes count as a clear view
// of the ground. ESA L2A SCL codes: 0 no data, 1 saturated/defective,
// 2 dark area/shadow, 3 cloud shadow, 4 vegetation, 5 bare soil, 6 water,
// 7 unclassified, 8 cloud medium prob., 9 cloud high prob., 10 thin cirrus,
// 11 snow (Sentinel-2 L2A Product Specification, SCL table).
#include <array>
#include <cstdint>
#include <initializer_list>

namespace paddymrv::kernels {

class SclMask {
 public:
  SclMask(std::initializer_list<int> usable_classes) {
    for (int c : usable_classes) set(c);
  }
  template <class Range>
  static SclMask from(const Range& classes) {
    SclMask m({});
    for (int c : classes) m.set(c);
    return m;
  }
  bool usable(std::uint8_t scl) const { return lut_[scl]; }

 private:
  void set(int c) {
    if (c >= 0 && c < 256) lut_[static_cast<std::size_t>(c)] = true;
  }
  std::array<bool, 256> lut_{};
};

// DESIGN §3: usable = vegetation, bare soil, water, unclassified.
inline SclMask default_scl_mask() { return SclMask({4, 5, 6, 7}); }

}  // namespace paddymrv::kernels
