#include "pipeline/crop_writer.hpp"

#include <ogr_spatialref.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include "kernels/area_estimate.hpp"
#include "kernels/domain_area_estimate.hpp"
#include "kernels/validation_bootstrap.hpp"

namespace paddymrv {

std::vector<std::int64_t> validation_pixel_cells(const CropModel& model, const AnalysisGrid& grid,
                                                 std::string* why_not) {
  auto refuse = [why_not](std::string reason) {
    if (why_not) *why_not = std::move(reason);
    return std::vector<std::int64_t>{};
  };
  const auto& px = model.validation_pixels;
  if (px.empty()) return refuse("the model does not store where its validation pixels lie (written before they were)");
  OGRSpatialReference theirs, ours;
  if (theirs.importFromWkt(model.validation_crs_wkt.c_str()) != OGRERR_NONE ||
      ours.importFromWkt(grid.crs_wkt.c_str()) != OGRERR_NONE || !theirs.IsSame(&ours))
    return refuse("the model's validation pixels are in another CRS than this run's grid");
  std::vector<std::int64_t> cell(px.size(), -1);
  bool any = false;
  for (std::size_t i = 0; i < px.size(); ++i) {
    const double col = std::floor((px[i].x - grid.origin_x) / grid.resolution);
    const double row = std::floor((grid.origin_y - px[i].y) / grid.resolution);
    if (!(col >= 0 && row >= 0 && col < grid.width && row < grid.height)) continue;  // off this run's grid
    // Train stored its cells' centres: on the same lattice each is this
    // grid's cell centre too. Off it (another resolution or alignment), a
    // run cell would stand for another piece of ground than the reference.
    const double cx = grid.origin_x + (col + 0.5) * grid.resolution, cy = grid.origin_y - (row + 0.5) * grid.resolution;
    if (std::abs(cx - px[i].x) > 1e-3 * grid.resolution || std::abs(cy - px[i].y) > 1e-3 * grid.resolution)
      return refuse("this run's grid is not train's pixel lattice (another resolution or origin)");
    cell[i] = static_cast<std::int64_t>(row) * grid.width + static_cast<std::int64_t>(col);
    any = true;
  }
  if (!any) return refuse("none of the model's validation pixels lies on this run's grid");
  return cell;
}

ValidationOnRun::ValidationOnRun(const CropModel& model, const AnalysisGrid& grid, const std::string& season_start,
                                 const std::string& season_end)
    : grid_width_(grid.width) {
  // The reference labels are of train's season: against another season's
  // map every crop rotation would count as a map error, and the areas would
  // be estimated for the reference season with intervals that look valid.
  const auto start = model.metadata.find("season_start"), end = model.metadata.find("season_end");
  if (start == model.metadata.end() || end == model.metadata.end() || start->second != season_start ||
      end->second != season_end) {
    why_not = "the model was trained on another season (" +
              (start == model.metadata.end() ? std::string("unknown") : start->second + " to " + end->second) +
              ") than this run's (" + season_start + " to " + season_end + "): its references describe that season";
  } else {
    cell = validation_pixel_cells(model, grid, &why_not);
  }
  commune.assign(cell.size(), -1);
  mapped.assign(cell.size(), -1);
  for (std::size_t i = 0; i < cell.size(); ++i)
    if (cell[i] >= 0) by_cell_.push_back(i);
  std::sort(by_cell_.begin(), by_cell_.end(), [this](std::size_t a, std::size_t b) { return cell[a] < cell[b]; });
  if (!why_not.empty())
    spdlog::warn("crop areas: {}; they are adjusted with the model's validation, and the communes with the "
                 "province's errors", why_not);
}

void ValidationOnRun::take(const PixelWindow& w, std::span<const std::int32_t> block_commune,
                           std::span<const std::uint8_t> block_class, const CropModel& model) {
  // The pixels of each window row, found in the cell-sorted list.
  auto below = [this](std::size_t i, std::int64_t c) { return cell[i] < c; };
  for (int y = w.y0; y < w.y0 + w.height; ++y) {
    const std::int64_t first = static_cast<std::int64_t>(y) * grid_width_ + w.x0;
    for (auto it = std::lower_bound(by_cell_.begin(), by_cell_.end(), first, below);
         it != by_cell_.end() && cell[*it] < first + w.width; ++it) {
      const auto k = static_cast<std::size_t>(y - w.y0) * static_cast<std::size_t>(w.width) +
                     static_cast<std::size_t>(cell[*it] - first);
      commune[*it] = block_commune[k];
      mapped[*it] = model.class_index(block_class[k]);
    }
  }
}

bool ValidationOnRun::complete() const {
  if (by_cell_.empty()) return false;
  for (std::size_t i : by_cell_)
    if (mapped[i] < 0) return false;
  return true;
}

std::size_t ValidationOnRun::used() const { return by_cell_.size(); }

RiceAreaError write_crop_results(ResultWriter& out, const CropModel& model, const std::string& model_path,
                          const std::string& post_processing, const std::vector<std::int64_t>& crop_pixels,
                          std::size_t n, double pixel_area_ha, const ValidationOnRun& on_run) {
  const std::size_t C = model.classes.size();
  const auto view = model.validation_for(post_processing);
  // This run's own map at the validation pixels, when the model says where
  // they lie and the run (of the model's season, on its pixel lattice)
  // mapped every one on its grid: the areas are then adjusted with the
  // validation of the very map they adjust, whatever scenes or
  // post-processing it was made with. Units keep the model's order; those
  // with no pixel on this grid drop out.
  const bool own = on_run.complete();
  if (own && on_run.cell.size() != model.validation_pixels.size())
    throw Error("crop areas: the run's validation pixels do not match the model's");
  const std::string why_not_own = own                    ? ""
                                  : !on_run.why_not.empty() ? on_run.why_not
                                  : on_run.used() == 0      ? "the model's validation pixels were not placed"
                                                            : "a validation pixel has no class on this run's map "
                                                              "(no data there)";
  if (!own && on_run.why_not.empty() && on_run.used() > 0)
    spdlog::warn("crop areas: {}; they are adjusted with the model's validation", why_not_own);
  if (own && on_run.used() < model.validation_pixels.size())
    spdlog::warn("crop areas: {} of the model's {} validation pixels lie on this run's grid; the areas are "
                 "adjusted with those", on_run.used(), model.validation_pixels.size());
  std::vector<kernels::ValidationPolygon> run_units;
  std::vector<int> run_unit(model.validation_polygons.size(), -1);  // model unit → run_units
  if (own) {
    for (std::size_t i = 0; i < model.validation_pixels.size(); ++i) {
      if (on_run.cell[i] < 0) continue;
      const auto u = static_cast<std::size_t>(model.validation_pixels[i].unit);
      if (run_unit[u] < 0) {
        run_unit[u] = static_cast<int>(run_units.size());
        run_units.push_back({model.validation_polygons[u].reference, std::vector<std::int64_t>(C, 0)});
      }
      ++run_units[static_cast<std::size_t>(run_unit[u])].mapped[static_cast<std::size_t>(on_run.mapped[i])];
    }
  }
  const kernels::ConfusionMatrix run_matrix = kernels::confusion_of(run_units, static_cast<int>(C));
  const kernels::ConfusionMatrix& validation = own ? run_matrix : view.matrix;
  const std::vector<kernels::ValidationPolygon>& polygons = own ? run_units : view.polygons;
  const bool of_map = own || view.of_map;
  // Intervals: whole validation polygons resampled (their pixels share their
  // errors); a fixed seed, so the same model and map give the same numbers.
  // 2,000 replicates: the interval's own Monte Carlo error is then ≈ 1.6 %
  // of its width (1/√(2·2000)).
  constexpr int kReplicates = 2000;
  constexpr std::uint64_t kBootstrapSeed = 20141101;  // Olofsson et al. 2014's issue month, nothing more
  const auto replicates = kernels::bootstrap_confusion(polygons, static_cast<int>(C), kReplicates, kBootstrapSeed);
  const auto units = kernels::units_per_stratum(polygons, static_cast<int>(C));
  // A sample of single pixels (points) can be Olofsson's probability sample
  // (random points over the map); reference fields cannot. Say which.
  const auto single_pixel =
      static_cast<std::size_t>(std::count_if(polygons.begin(), polygons.end(), [](const auto& u) {
        return std::accumulate(u.mapped.begin(), u.mapped.end(), std::int64_t{0}) == 1;
      }));
  const bool points = !polygons.empty() && single_pixel == polygons.size();
  const std::string unit_name = points              ? "validation points"
                                : single_pixel == 0 ? "validation polygons"
                                                    : "validation units (points and polygons)";
  const std::string interval =
      polygons.empty()
          ? "ci95 is the half-width (± ha) of Olofsson's Eq. 11 (an error-free map class adds the variance of "
            "its share's posterior under a uniform prior instead of 0), which counts every validation pixel as an "
            "independent draw (the model holds no per-polygon validation; retrain for the polygon bootstrap): "
            "too narrow"
          : "ci95 is the half-width (± ha): 1.96 × the standard deviation of the adjusted area over " +
                std::to_string(kReplicates) + " bootstrap resamples of the " + std::to_string(polygons.size()) +
                " " + unit_name +
                " (whole units, redrawn within their reference class: a polygon's pixels share its errors), never "
                "narrower than Olofsson's Eq. 10-11, in which a map class whose "
                "sample is made of fewer polygons than pixels counts the variance of its share in effective "
                "polygons u (Kish) with r of them right, Beta(r+1, u-r+1) under a uniform prior, when that is "
                "larger, and a map class no validation sample fell in gets the uniform prior's W^2/12 instead of 0";
  // What the matrix validates, said next to every number built on it.
  const std::string validation_of =
      own      ? "this run's map as written (forest, then " + post_processing + "), at " +
                std::to_string(on_run.used()) + " of the model's " + std::to_string(model.validation_pixels.size()) +
                " validation pixels (those on this run's grid; references of the same season)"
      : of_map ? "the map as written (forest, then " + post_processing + ") by train, at the validation pixels"
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
  // Per commune: each commune's map corrected with the errors of this run's
  // map at the validation pixels inside it (the difference estimator).
  // Without them (why_not_own) the province's errors stand for every
  // commune's (the synthetic estimator), which the method attribute says.
  std::vector<std::int64_t> pixels_in(n, 0);
  if (own) {
    std::map<std::tuple<int, int, int>, std::int64_t> count;  // run unit, commune, map class → pixels
    for (std::size_t i = 0; i < model.validation_pixels.size(); ++i) {
      if (on_run.cell[i] < 0) continue;  // off this run's grid
      const int commune = on_run.commune[i];
      ++count[{run_unit[static_cast<std::size_t>(model.validation_pixels[i].unit)], commune, on_run.mapped[i]}];
      if (commune >= 0 && static_cast<std::size_t>(commune) < n) ++pixels_in[static_cast<std::size_t>(commune)];
    }
    std::vector<kernels::DomainUnit> units_by_commune(run_units.size());
    for (std::size_t u = 0; u < run_units.size(); ++u) units_by_commune[u].reference = run_units[u].reference;
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
  if (own)
    out.set_attribute("/communes/crop_area_adjusted_ha", "bounds",
                      "a commune's adjusted area can fall below 0 where its validation pixels correct more than it "
                      "mapped of a class (one wrong pixel moves it by the stratum's area over its sample size); it "
                      "is kept so, so that the communes add up to the province estimate: read it as 0 with the "
                      "interval's upper end");
  const std::string sample_kind =
      points ? ". The validation sample is single pixels (points): drawn at random over the map, as Olofsson's "
               "design asks, they are the probability sample the estimator assumes; chosen otherwise, the "
               "interval is indicative."
             : ". The validation sample is (or includes) reference fields, not a probability sample of the map: "
               "the interval is indicative.";
  const std::string method = "stratified error-adjusted area, strata = map classes, " + unit_name +
                             " of the model (Olofsson et al. 2014, RSE 148:42, Eqs. 9-10); " + interval + sample_kind;
  const std::string commune_method =
      own ? "difference estimator per commune (Sarndal, Swensson & Wretman 1992; Stehman 2009, RSE 113:2455): "
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
                "The map classes at the validation pixels are this run's, read from the map it wrote" +
                sample_kind
          : "synthetic estimator: the province's validation (Olofsson et al. 2014, Eqs. 9-10) applied to each "
            "commune's mapped shares, which assumes the map errs alike in every commune, because this run's "
            "own map cannot be read at the validation pixels: " + why_not_own + ". " + interval +
                sample_kind;
  out.set_attribute("/communes/crop_area_adjusted_ha", "method", commune_method);
  out.set_attribute("/communes/crop_area_ci95_ha", "method", commune_method);
  if (own) {
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
  if (rice < 0) return {};
  const auto r = static_cast<std::size_t>(rice);
  // Every stratum now adds some variance to its own class, so a zero rice
  // interval means no rice was mapped at all: the methane interval then
  // has no rice area to be uncertain about, but say so.
  if (!(pe.ci95[r] > 0))
    spdlog::warn("the error-adjusted rice area has a zero-width interval (no rice mapped, no validation sample "
                 "of rice elsewhere): the methane interval does not include a rice-area uncertainty");
  const double se = pe.ci95[r] / 1.959964;
  RiceAreaError e;
  e.province_rel_sd = pe.adjusted[r] > 0 && std::isfinite(se) ? se / pe.adjusted[r] : 0.0;
  if (own) {
    // Relative to the larger of the adjusted and the mapped rice area: the
    // methane scales the mapped area, and an adjusted area near 0 would make
    // any error look infinite.
    for (std::size_t i = 0; i < n; ++i) {
      const double base = std::max(adjusted[i * C + r], area[i * C + r]);
      e.commune_rel_sd.push_back(base > 0 ? ci[i * C + r] / 1.959964 / base : 0.0);
    }
  }
  return e;
}

}  // namespace paddymrv
