#pragma once
// The per-commune columns and province figures of a result, read once for
// every way of showing them (terminal table, CSV, JSON, the HTML audit page).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace paddymrv {

class ResultReader;

struct CommuneColumns {
  std::vector<std::string> code, name;
  std::vector<double> area, rice, awd, s1_mean, s2_mean, ch4_red, co2e, ci;  // ci: [n, 2] row-major
};

CommuneColumns read_columns(const ResultReader& r);

// Province totals and progress against the plan ([targets] of the run).
// NaN where the result predates a figure.
struct Province {
  double baseline = NAN, project = NAN, reduction = NAN, ci_low = NAN, ci_high = NAN, gwp100 = NAN;
  double awd_share = NAN, target_share = NAN;
  double reference_t = 0, target_reduction = NAN, reduction_vs_reference = NAN;
  int64_t reference_year = 0;
};

Province read_province(const ResultReader& r, const CommuneColumns& c);

}  // namespace paddymrv
