#pragma once
// A regular time grid over the season and gap filling onto it, so that every
// pixel gets a fixed-length, NaN-free profile whatever its cloud history.
// Compositing = mean of the valid observations in each step (a "temporal
// binning" composite as in FORCE's TSA folding); empty steps are filled by
// linear interpolation between the nearest filled steps and held constant
// beyond the first/last one (Inglada et al. 2017, Remote Sens. 9:95, gap-fill
// onto a regular grid before the random forest).
#include <vector>

namespace paddymrv::kernels {

struct TimeGrid {
  double start = 0;  // day number of the first step's start
  double end = 1;    // day number of the last step's end
  int steps = 1;
  // Step of day d, or −1 outside [start, end).
  int step_of(double day) const;
};

// values[i] observed at days[i] (NaN = masked). Writes grid.steps values to
// out. When no observation is valid at all, every step gets `empty_value`.
// Returns the number of steps that had at least one valid observation.
int composite_and_fill(const TimeGrid& grid, const std::vector<double>& days, const std::vector<float>& values,
                       float empty_value, float* out);

}  // namespace paddymrv::kernels
