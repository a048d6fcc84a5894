#pragma once
// The evidence picture of one claim, what a verifier looks at before
// signing: the field-averaged VV and VH backscatter through the season, the
// flooded period and every detected dry period shaded, the field's clear-sky
// Sentinel-2 NDVI and LSWI on a right-hand axis, and the verdict. Returned as
// PNG bytes (stored in the result under /claims/evidence).
//
// The PNG is a palette image of 16 flat colours (4 bits per pixel), drawn
// without anti-aliasing and encoded with libpng: ≈ 10 kB, 8× smaller and ≈ 5×
// faster to make than the earlier anti-aliased RGB picture (issue #6: the
// pictures were most of a result's bytes and a third of a 1-thread `run`).
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/flood_cycle.hpp"

namespace paddymrv {

// One date Sentinel-2 saw the field clearly: the field means over its clear pixels.
struct OpticalPoint {
  int day = 0;  // from the season start
  float ndvi = 0, lswi = 0;
  double clear_fraction = 0;  // share of the field's pixels seen clear
};

struct EvidenceInput {
  std::string claim_id, practice, verdict, reason;
  std::chrono::sys_days season_start{};
  int season_days = 0;
  std::vector<int> days;
  std::vector<float> vv, vh;  // linear power, NaN = no usable pixel that date
  kernels::FloodCycle cycle;
  std::vector<OpticalPoint> optical;  // the clear views only (claims.min_clear_fraction), any order
};

std::vector<std::uint8_t> claim_evidence_png(const EvidenceInput& in);

// The picture's frame and palette, for tests and for anyone reading values
// back off a picture.
namespace evidence {

inline constexpr int kWidth = 900, kHeight = 420;
inline constexpr double kDbMin = -27, kDbMax = -3;          // left axis, backscatter
// Right axis, NDVI / LSWI: down to −0.4, as a field flooded before transplanting
// is open water with a negative NDVI (the demo season's fields reach −0.3).
inline constexpr double kIndexMin = -0.4, kIndexMax = 1.0;

// Palette entries (the PNG's pixel values).
enum class Ink : std::uint8_t {
  paper, black, text, grid, flooded, maybe_dry, dry, harvested, vv, vh, ndvi, lswi, canopy_line, note,
  flooded_text, dry_text, count
};
using Rgb = std::array<std::uint8_t, 3>;
Rgb rgb(Ink ink);

int x_of_day(int season_days, double day);  // pixel column of a day from the season start
int y_of_db(double db);                     // pixel row of a backscatter level (clamped to the axis)
int y_of_index(double value);               // pixel row of an NDVI / LSWI value (clamped to the axis)

}  // namespace evidence

}  // namespace paddymrv
