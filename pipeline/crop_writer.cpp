#include "pipeline/crop_writer.hpp"

#include <ogr_spatialref.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include "kernels/area_estimate.hpp"
#include "kernels/domain_area_estimate.hpp"
#include "kernels/validation_bootstrap.hpp"

namespace paddymrv {

std::vector<int> validation_pixel_communes(const CropModel& model, const PolygonLayer& communes,
                                           const AnalysisGrid& grid) {
  const auto& px = model.validation_pixels;
  if (px.empty()) return {};
  // Coordinates in another CRS than this run's grid would land in the wrong
  // communes: then none (the communes fall back to the province's errors).
  OGRSpatialReference theirs, ours;
  if (theirs.importFromWkt(model.validation_crs_wkt.c_str()) != OGRERR_NONE ||
      ours.importFromWkt(grid.crs_wkt.c_str()) != OGRERR_NONE || !theirs.IsSame(&ours)) {
    spdlog::warn("the crop model's validation pixels are in another CRS than this run's grid: the communes' crop "
                 "areas are adjusted with the province's errors instead of their own (train on this grid)");
    return {};
  }
  std::vector<int> out(px.size(), -1);
  // Each unit's pixels on the grid, rasterised once over their bounding window.
  std::map<int, std::vector<std::pair<std::size_t, std::pair<int, int>>>> by_unit;
  for (std::size_t i = 0; i < px.size(); ++i) {
    const double col = std::floor((px[i].x - grid.origin_x) / grid.resolution);
    const double row = std::floor((grid.origin_y - px[i].y) / grid.resolution);
    if (!(col >= 0 && row >= 0 && col < grid.width && row < grid.height)) continue;  // off this run's grid
    by_unit[px[i].unit].push_back({i, {static_cast<int>(col), static_cast<int>(row)}});
  }
  std::vector<std::int32_t> idx;
  for (const auto& [unit, members] : by_unit) {
    int x0 = INT_MAX, y0 = INT_MAX, x1 = INT_MIN, y1 = INT_MIN;
    for (const auto& [i, c] : members)
      x0 = std::min(x0, c.first), y0 = std::min(y0, c.second), x1 = std::max(x1, c.first), y1 = std::max(y1, c.second);
    const PixelWindow w{x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    communes.rasterize(grid, w, idx);
    for (const auto& [i, c] : members)
      out[i] = idx[static_cast<std::size_t>(c.second - y0) * static_cast<std::size_t>(w.width) +
                   static_cast<std::size_t>(c.first - x0)];
  }
  return out;
}

double write_crop_results(ResultWriter& out, const CropModel& model, const std::string& model_path,
                          const std::string& post_processing, const std::vector<std::int64_t>& crop_pixels,
                          std::size_t n, double pixel_area_ha, const std::vector<int>& validation_commune) {
  const std::size_t C = model.classes.size();
  const auto view = model.validation_for(post_processing);
  const kernels::ConfusionMatrix& validation = view.matrix;
  const bool of_map = view.of_map;
  // Intervals: whole validation polygons resampled (their pixels share their
  // errors); a fixed seed, so the same model and map give the same numbers.
  // 2,000 replicates: the interval's own Monte Carlo error is then ≈ 1.6 %
  // of its width (1/√(2·2000)).
  constexpr int kReplicates = 2000;
  constexpr std::uint64_t kBootstrapSeed = 20141101;  // Olofsson et al. 2014's issue month, nothing more
  const auto replicates = kernels::bootstrap_confusion(view.polygons, static_cast<int>(C), kReplicates, kBootstrapSeed);
  const auto units = kernels::units_per_stratum(view.polygons, static_cast<int>(C));
  // A sample of single pixels (points) can be Olofsson's probability sample
  // (random points over the map); reference fields cannot. Say which.
  const auto single_pixel =
      static_cast<std::size_t>(std::count_if(view.polygons.begin(), view.polygons.end(), [](const auto& u) {
        return std::accumulate(u.mapped.begin(), u.mapped.end(), std::int64_t{0}) == 1;
      }));
  const bool points = !view.polygons.empty() && single_pixel == view.polygons.size();
  const std::string unit_name = points              ? "validation points"
                                : single_pixel == 0 ? "validation polygons"
                                                    : "validation units (points and polygons)";
  const std::string interval =
      view.polygons.empty()
          ? "ci95 is the half-width (± ha) of Olofsson's Eq. 11 (an error-free map class adds the variance of "
            "its share's posterior under a uniform prior instead of 0), which counts every validation pixel as an "
            "independent draw (the model holds no per-polygon validation; retrain for the polygon bootstrap): "
            "too narrow"
          : "ci95 is the half-width (± ha): 1.96 × the standard deviation of the adjusted area over " +
                std::to_string(kReplicates) + " bootstrap resamples of the " + std::to_string(view.polygons.size()) +
                " " + unit_name +
                " (whole units, redrawn within their reference class: a polygon's pixels share its errors), never "
                "narrower than Olofsson's Eq. 10-11, in which a map class whose "
                "sample is made of fewer polygons than pixels counts the variance of its share in effective "
                "polygons u (Kish) with r of them right, Beta(r+1, u-r+1) under a uniform prior, when that is "
                "larger, and a map class no validation sample fell in gets the uniform prior's W^2/12 instead of 0";
  // What the matrix validates, said next to every number built on it.
  const std::string validation_of =
      of_map ? "the map as written (forest, then " + post_processing + "), at the validation pixels"
             : model.map_validation.k > 0
                   ? "the forest per pixel: the model's map validation used other post-processing (" +
                         model.map_post_processing + ") than this run (" + post_processing +
                         "); retrain with this run's classifier settings for intervals that describe this map"
                   : "the forest per pixel (the model holds no validation of the post-processed map; retrain)";
  if (!of_map)
    spdlog::warn("crop areas are adjusted with the validation of {}", validation_of);
  const hsize_t hn = n, hc = C;
  std::vector<std::string> labels;
  for (const auto& k : model.classes) labels.push_back(k.name);
  std::vector<double> area(n * C), adjusted(n * C), ci(n * C), province(C, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < C; ++c) {
      area[i * C + c] = static_cast<double>(crop_pixels[i * C + c]) * pixel_area_ha;
      province[c] += area[i * C + c];
    }
  // Per commune: each commune's map corrected with the errors of the
  // validation pixels inside it (the difference estimator), when the model
  // says where its validation pixels lie. A model from before does not: the
  // province's errors then stand for every commune's (the synthetic
  // estimator), which the method attribute says.
  const bool by_commune =
      !model.validation_pixels.empty() && validation_commune.size() == model.validation_pixels.size();
  std::vector<std::int64_t> pixels_in(n, 0);
  if (by_commune) {
    std::map<std::tuple<int, int, int>, std::int64_t> count;  // unit, commune, map class → pixels
    for (std::size_t i = 0; i < model.validation_pixels.size(); ++i) {
      const auto& v = model.validation_pixels[i];
      const int cls = of_map ? v.map : v.forest;
      if (cls < 0) continue;  // not counted by the view's units either
      if (v.unit < 0 || static_cast<std::size_t>(v.unit) >= view.polygons.size()) continue;  // checked at load
      ++count[{v.unit, validation_commune[i], cls}];
      if (validation_commune[i] >= 0 && static_cast<std::size_t>(validation_commune[i]) < n)
        ++pixels_in[static_cast<std::size_t>(validation_commune[i])];
    }
    std::vector<kernels::DomainUnit> units_by_commune(view.polygons.size());
    for (std::size_t u = 0; u < view.polygons.size(); ++u) units_by_commune[u].reference = view.polygons[u].reference;
    for (const auto& [key, pixels] : count) {
      const auto [unit, commune, cls] = key;
      units_by_commune[static_cast<std::size_t>(unit)].pixels.push_back({commune, cls, pixels});
    }
    const auto e = kernels::domain_area_estimate(units_by_commune, static_cast<int>(C), area, kReplicates,
                                                 kBootstrapSeed);
    adjusted = e.adjusted;
    ci = e.ci95;
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      const std::vector<double> mapped(area.begin() + static_cast<std::ptrdiff_t>(i * C),
                                       area.begin() + static_cast<std::ptrdiff_t>((i + 1) * C));
      const auto e = kernels::stratified_area_estimate(validation, mapped, replicates, units);
      for (std::size_t c = 0; c < C; ++c) adjusted[i * C + c] = e.adjusted[c], ci[i * C + c] = e.ci95[c];
    }
  }
  out.write_f64("/communes/crop_area_ha", {hn, hc}, area);
  out.set_attribute("/communes/crop_area_ha", "labels", labels);
  out.set_attribute("/communes/crop_area_ha", "method", "mapped area: pixels of /maps/crop_class × pixel area");
  out.write_f64("/communes/crop_area_adjusted_ha", {hn, hc}, adjusted);
  out.set_attribute("/communes/crop_area_adjusted_ha", "labels", labels);
  out.write_f64("/communes/crop_area_ci95_ha", {hn, hc}, ci);
  out.set_attribute("/communes/crop_area_ci95_ha", "labels", labels);
  out.set_attribute("/communes/crop_area_ci95_ha", "bounds",
                    "the interval is [max(0, adjusted - ci95), adjusted + ci95]: an area is never negative");
  if (by_commune)
    out.set_attribute("/communes/crop_area_adjusted_ha", "bounds",
                      "a commune's adjusted area can fall below 0 where its validation pixels correct more than it "
                      "mapped of a class (one wrong pixel moves it by the stratum's area over its sample size); it "
                      "is kept so, so that the communes add up to the province estimate: read it as 0 with the "
                      "interval's upper end");
  const std::string method =
      "stratified error-adjusted area, strata = map classes, " + unit_name +
      " of the model (Olofsson et al. 2014, RSE 148:42, Eqs. 9-10); " + interval +
      (points ? ". The validation sample is single pixels (points): drawn at random over the map, as Olofsson's "
                "design asks, they are the probability sample the estimator assumes; chosen otherwise, the "
                "interval is indicative."
              : ". The validation sample is (or includes) reference fields, not a probability sample of the map: "
                "the interval is indicative.");
  const std::string sample_kind =
      points ? ". The validation sample is single pixels (points): drawn at random over the map, as the design "
               "asks, they are the probability sample the estimator assumes; chosen otherwise, the interval is "
               "indicative."
             : ". The validation sample is (or includes) reference fields, not a probability sample of the map: "
               "the interval is indicative.";
  const std::string commune_method =
      by_commune
          ? "difference estimator per commune (Sarndal, Swensson & Wretman 1992; Stehman 2009, RSE 113:2455): "
            "the commune's mapped area corrected with the errors of the validation pixels inside the commune (" +
                unit_name + "; their count per commune in validation_pixels_per_commune), strata = map classes "
                "of all communes; summed over the communes it equals /qa/crop_area_province's estimate when every "
                "validation pixel lies in a commune (those outside every commune are left out here). ci95 is the "
                "half-width (± ha): 1.96 × the larger of the standard deviation over " +
                std::to_string(kReplicates) +
                " bootstrap resamples of the units (whole units, redrawn within their reference class) and the "
                "estimator's variance on the pixels; where none of a map class's validation pixels in the "
                "commune is wrong, the variance is at least its value at the share (in the commune and wrong) "
                "that Beta(1, u+1) makes plausible for the class's u units (Kish's effective number for "
                "polygons), A_h^2 Var Beta, but at most (M/2)^2 for a commune mapping M of it (an unseen "
                "error is commission inside M); a map class "
                "without validation pixels keeps its mapped area with the uniform prior's variance (M^2/12). "
                "The map classes at the validation pixels are those train's map gave them: the estimator "
                "describes this run's map as far as it is that map" + sample_kind
          : "synthetic estimator: the province's validation (Olofsson et al. 2014, Eqs. 9-10) applied to each "
            "commune's mapped shares, which assumes the map errs alike in every commune; the model's validation "
            "pixels cannot be placed in this run's communes (a model from before they were stored, or another "
            "grid CRS: retrain for a per-commune correction). " + interval +
                sample_kind;
  out.set_attribute("/communes/crop_area_adjusted_ha", "method", commune_method);
  out.set_attribute("/communes/crop_area_ci95_ha", "method", commune_method);
  if (by_commune) {
    out.set_attribute("/communes/crop_area_ci95_ha", "validation_pixels_per_commune",
                      std::vector<double>(pixels_in.begin(), pixels_in.end()));
  }
  out.set_attribute("/communes/crop_area_adjusted_ha", "validation_of", validation_of);
  out.set_attribute("/communes/crop_area_ci95_ha", "validation_of", validation_of);

  const auto pe = kernels::stratified_area_estimate(validation, province, replicates, units);
  const auto acc = kernels::assess(validation);
  std::vector<std::vector<std::string>> rows;
  auto num = [](double v) {
    if (std::isnan(v)) return std::string("nan");
    char b[32];
    std::snprintf(b, sizeof b, "%.6g", v);
    return std::string(b);
  };
  for (std::size_t c = 0; c < C; ++c) {
    // The interval is adjusted ± ci95, normal; an area is never negative, so
    // its lower end stops at 0 (a small class with one wrong validation
    // field can otherwise read "23.6 ± 24.6 ha").
    // New columns go last: scripts may read this table by position.
    rows.push_back({std::to_string(model.classes[c].code), model.classes[c].name, num(pe.mapped[c]),
                    num(pe.adjusted[c]), num(pe.ci95[c]), num(pe.users[c]), num(pe.producers[c]),
                    num(acc.classes[c].f1), std::to_string(acc.classes[c].reference_count),
                    num(std::max(0.0, pe.adjusted[c] - pe.ci95[c])), num(pe.adjusted[c] + pe.ci95[c])});
  }
  out.write_string_table("/qa/crop_area_province",
                         {"code", "class", "mapped_ha", "adjusted_ha", "ci95_ha", "users_accuracy",
                          "producers_accuracy", "validation_f1", "validation_pixels", "ci95_low_ha", "ci95_high_ha"},
                         rows);
  out.set_attribute("/qa/crop_area_province", "method", method);
  out.set_attribute("/qa/crop_area_province", "validation_of", validation_of);
  out.set_attribute("/qa/crop_area_province", "overall_accuracy_area_weighted", pe.overall);
  out.set_attribute("/qa/crop_area_province", "validation_overall_accuracy", acc.overall);
  out.set_attribute("/qa/crop_area_province", "validation_kappa", acc.kappa);
  std::vector<std::int64_t> cm(validation.n.begin(), validation.n.end());
  out.write_i64("/qa/crop_validation_confusion", {hc, hc}, cm);
  out.set_attribute("/qa/crop_validation_confusion", "validation_of", validation_of);
  // Both matrices stay auditable whichever one adjusted the areas.
  std::vector<std::int64_t> px(model.validation.n.begin(), model.validation.n.end());
  out.write_i64("/qa/crop_validation_confusion_per_pixel", {hc, hc}, px);
  out.set_attribute("/qa/crop_validation_confusion_per_pixel", "labels", labels);
  out.set_attribute("/qa/crop_validation_confusion_per_pixel", "layout", "rows predicted, columns reference");
  out.set_attribute("/qa/crop_validation_confusion_per_pixel", "validation_of",
                    "the forest per pixel, before any post-processing");
  out.set_attribute("/qa/crop_validation_confusion", "labels", labels);
  out.set_attribute("/qa/crop_validation_confusion", "layout", "rows predicted, columns reference");
  out.set_attribute("/maps/crop_class", "model", model_path);
  for (const auto& [k, v] : model.metadata) out.set_attribute("/qa/crop_validation_confusion", "model_" + k, v);
  const int rice = model.class_index(1);  // class code 1 = rice (DESIGN §3)
  if (rice < 0) return 0.0;
  const auto r = static_cast<std::size_t>(rice);
  // Every stratum now adds some variance to its own class, so a zero rice
  // interval means no rice was mapped at all: the methane interval then
  // has no rice area to be uncertain about, but say so.
  if (!(pe.ci95[r] > 0))
    spdlog::warn("the error-adjusted rice area has a zero-width interval (no rice mapped, no validation sample "
                 "of rice elsewhere): the methane interval does not include a rice-area uncertainty");
  const double se = pe.ci95[r] / 1.959964;
  return pe.adjusted[r] > 0 && std::isfinite(se) ? se / pe.adjusted[r] : 0.0;
}

}  // namespace paddymrv
