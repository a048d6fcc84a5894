#include "pipeline/result_summary.hpp"

#include <cmath>

#include "pipeline/result_reader.hpp"

namespace paddymrv {

CommuneColumns read_columns(const ResultReader& r) {
  CommuneColumns c;
  c.code = r.read_strings("/communes/code");
  c.name = r.read_strings("/communes/name");
  c.area = r.read<double>("/communes/area_ha");
  c.rice = r.read<double>("/communes/rice_area_ha");
  c.awd = r.read<double>("/communes/awd_area_ha");
  c.s1_mean = r.read<double>("/qa/communes/s1_observation_mean");
  c.s2_mean = r.read<double>("/qa/communes/s2_clear_mean");
  c.ch4_red = r.read<double>("/communes/ch4_reduction_t");
  c.co2e = r.read<double>("/communes/co2e_reduction_t");
  c.ci = r.read<double>("/communes/ch4_reduction_ci95_t");
  return c;
}

Province read_province(const ResultReader& r, const CommuneColumns& c) {
  Province p;
  double rice = 0, awd = 0;
  for (std::size_t i = 0; i < c.rice.size(); ++i) rice += c.rice[i], awd += c.awd[i];
  if (rice > 0) p.awd_share = awd / rice;
  const std::string ci = "/communes/ch4_reduction_ci95_t", red = "/communes/ch4_reduction_t";
  if (!r.has_attribute(ci, "province_ci95_t")) return p;  // a result from before the province interval
  p.baseline = r.attribute_double(ci, "province_baseline_t");
  p.project = r.attribute_double(ci, "province_project_t");
  p.reduction = r.attribute_double(ci, "province_reduction_t");
  const auto iv = r.attribute_doubles(ci, "province_ci95_t");
  p.ci_low = iv.at(0), p.ci_high = iv.at(1);
  p.gwp100 = r.attribute_double("/communes/co2e_reduction_t", "gwp100");
  p.target_share = r.attribute_double(red, "target_low_emission_share");
  p.target_reduction = r.attribute_double(red, "target_emission_reduction");
  p.reference_year = r.attribute_int64(red, "target_reference_year");
  p.reference_t = r.attribute_double(red, "target_reference_ch4_t");
  if (p.reference_t > 0) p.reduction_vs_reference = (p.reference_t - p.project) / p.reference_t;
  return p;
}

}  // namespace paddymrv
