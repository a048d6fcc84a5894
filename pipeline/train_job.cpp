#include "pipeline/train_job.hpp"

#include <ogrsf_frmts.h>
#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <fstream>
#include <set>
#include <sstream>

#include "kernels/flat_forest.hpp"
#include "kernels/random_forest.hpp"
#include "pipeline/block_engine.hpp"
#include "pipeline/crop_feature_settings.hpp"
#include "pipeline/crop_features_block.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/polygon_layer.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/stac_catalog.hpp"

namespace paddymrv {

namespace {

bool has_field(const std::string& path, const std::string& field) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds || ds->GetLayerCount() == 0) throw InputError(path + ": cannot open the reference samples as a vector file");
  return ds->GetLayer(0)->GetLayerDefn()->GetFieldIndex(field.c_str()) >= 0;
}

struct Samples {
  std::vector<float> rows, baseline_rows;
  std::vector<int> labels;
  std::vector<std::int32_t> polygon;
  std::vector<std::size_t> cell;  // row-major index on the analysis grid
};

nlohmann::json accuracy_json(const kernels::ConfusionMatrix& m, const kernels::AccuracyReport& a,
                             const std::vector<CropClass>& classes) {
  nlohmann::json j;
  j["overall_accuracy"] = a.overall;
  j["kappa"] = a.kappa;
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const auto& k = a.classes[c];
    j["classes"].push_back({{"code", classes[c].code}, {"name", classes[c].name}, {"precision", num(k.precision)},
                            {"recall", num(k.recall)}, {"f1", num(k.f1)}, {"map_pixels", k.map_count},
                            {"reference_pixels", k.reference_count}});
  }
  j["confusion_matrix"] = {{"rows", "predicted"}, {"columns", "reference"}};
  for (int r = 0; r < m.k; ++r) {
    std::vector<std::int64_t> row;
    for (int c = 0; c < m.k; ++c) row.push_back(m.at(r, c));
    j["confusion_matrix"]["counts"].push_back(row);
  }
  return j;
}

}  // namespace

TrainSummary train_job(const Config& cfg, const TrainOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  TrainSummary summary;
  gdal_init(cfg.gdal_cache_mb);
  OGRSpatialReference grid_srs;
  if (!parse_crs(cfg.grid_crs, grid_srs)) throw ConfigError("grid.crs: unknown CRS '" + cfg.grid_crs + "'");
  char* wkt_raw = nullptr;
  const char* wkt_opts[] = {"FORMAT=WKT2_2019", nullptr};
  grid_srs.exportToWkt(&wkt_raw, wkt_opts);
  const std::string grid_wkt = wkt_raw ? wkt_raw : "";
  CPLFree(wkt_raw);
  if (cfg.items.empty()) throw ConfigError("inputs.items: no STAC catalogue given (--items)");
  if (cfg.communes.empty()) throw ConfigError("inputs.communes: no communes file given (--communes)");
  if (cfg.samples.empty()) throw ConfigError("classifier.samples: no reference samples given (--samples)");
  if (opt.model_path.empty()) throw ConfigError("no model file given (--model)");
  const auto season_start = *parse_iso_date(cfg.season_start);
  const auto season_end = *parse_iso_date(cfg.season_end);

  // The same grid and scenes as `run` (same config → same features).
  Catalog catalog = read_stac_catalog(cfg.resolve(cfg.items),
                                      {season_start, season_end, cfg.season_lookback_days, cfg.allow_network == 1});
  PolygonLayer communes(cfg.resolve(cfg.communes).string(), cfg.commune_code_field, cfg.commune_name_field, grid_srs,
                        "communes.code_field / communes.name_field");
  const Bounds b = cfg.grid_extent.empty()
                       ? communes.bounds()
                       : Bounds{cfg.grid_extent[0], cfg.grid_extent[1], cfg.grid_extent[2], cfg.grid_extent[3]};
  const AnalysisGrid grid = AnalysisGrid::from_bounds(grid_wkt, cfg.grid_resolution, b.xmin, b.ymin, b.xmax, b.ymax);
  inspect_scenes(catalog, grid, cfg.threads, crop_feature_bands());

  const std::string samples_path = cfg.resolve(cfg.samples).string();
  const bool has_split = has_field(samples_path, "split");
  // Polygons or points (DESIGN §3): a point is one reference pixel, its own
  // sampling unit — what a probability validation sample is made of.
  PolygonLayer samples(samples_path, "class", has_split ? "split" : "class", grid_srs, "the reference file needs `class`",
                       /*accept_points=*/true);

  // Class of every polygon; classes outside the table are an input error.
  summary.classes = cfg.classes;
  std::map<int, int> class_row;
  for (std::size_t i = 0; i < cfg.classes.size(); ++i) class_row[cfg.classes[i].code] = static_cast<int>(i);
  std::vector<int> poly_class(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    try {
      poly_class[i] = std::stoi(samples.ids()[i]);
    } catch (const std::exception&) {
      throw InputError(samples_path + ": feature " + std::to_string(i) + " has class '" + samples.ids()[i] +
                       "', not an integer code");
    }
    if (!class_row.count(poly_class[i]))
      throw InputError(samples_path + ": class " + std::to_string(poly_class[i]) + " is not in the config's [[classes]]");
  }

  // Split by whole polygons: `split` when given, else a seeded draw per class.
  std::vector<std::uint8_t> is_validation(samples.size(), 0);
  if (has_split) {
    for (std::size_t i = 0; i < samples.size(); ++i) is_validation[i] = samples.labels()[i] == "validation";
  } else {
    std::mt19937_64 rng(static_cast<std::uint64_t>(cfg.classifier_seed));
    std::map<int, std::vector<std::size_t>> by_class;
    for (std::size_t i = 0; i < samples.size(); ++i) by_class[poly_class[i]].push_back(i);
    for (auto& [code, polys] : by_class) {
      std::shuffle(polys.begin(), polys.end(), rng);
      // Round to nearest, but keep at least one training polygon per class.
      std::size_t nv = static_cast<std::size_t>(std::lround(cfg.classifier_validation_fraction * polys.size()));
      nv = std::min(nv, polys.size() - 1);
      for (std::size_t k = 0; k < nv; ++k) is_validation[polys[k]] = 1;
    }
  }

  EngineInputs in;
  in.config = &cfg;
  in.grid = &grid;
  in.communes = &communes;
  in.s1 = catalog.used(Sensor::sentinel1);
  in.s2 = catalog.used(Sensor::sentinel2);
  in.season_start = season_start;
  in.season_end = season_end;
  CropFeatureOptions fo;
  fo.layout.s2_steps = cfg.classifier_s2_steps;
  fo.cloud_dilation = cfg.classifier_cloud_dilation;
  fo.context_radius = cfg.classifier_context_radius;
  fo.context_bandwidth = cfg.classifier_context_bandwidth;
  fo.baseline = opt.baseline;

  // Blocks that hold reference pixels, features computed in parallel,
  // collected in block order (deterministic whatever the thread count).
  const auto windows = grid.blocks(cfg.block_size);
  std::vector<Samples> per_block(windows.size());
  const int threads = cfg.threads > 0 ? cfg.threads : tbb::info::default_concurrency();
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, windows.size(), [&](std::size_t bi) {
      std::vector<std::int32_t> idx;
      samples.rasterize(grid, windows[bi], idx);
      if (std::all_of(idx.begin(), idx.end(), [](std::int32_t v) { return v < 0; })) return;
      const auto f = read_crop_features(in, windows[bi], fo);
      Samples& s = per_block[bi];
      for (std::size_t i = 0; i < idx.size(); ++i) {
        if (idx[i] < 0) continue;
        const float* row = f.features.ptr<float>(static_cast<int>(i));
        s.rows.insert(s.rows.end(), row, row + f.features.cols);
        if (opt.baseline) {
          const float* br = f.baseline.ptr<float>(static_cast<int>(i));
          s.baseline_rows.insert(s.baseline_rows.end(), br, br + f.baseline.cols);
        }
        s.labels.push_back(poly_class[static_cast<std::size_t>(idx[i])]);
        s.polygon.push_back(idx[i]);
        const PixelWindow& bw = windows[bi];
        s.cell.push_back((static_cast<std::size_t>(bw.y0) + i / static_cast<std::size_t>(bw.width)) * static_cast<std::size_t>(grid.width) +
                         static_cast<std::size_t>(bw.x0) + i % static_cast<std::size_t>(bw.width));
      }
    });
  });
  // Even thinning per polygon (pixels in grid order), so large fields do not dominate.
  std::vector<std::size_t> poly_pixels(samples.size(), 0), poly_seen(samples.size(), 0);
  for (const auto& s : per_block)
    for (auto p : s.polygon) ++poly_pixels[static_cast<std::size_t>(p)];
  const int F = fo.row_width();
  const int FB = static_cast<int>(kernels::baseline_feature_names().size());
  cv::Mat Xt(0, F, CV_32F), Xv(0, F, CV_32F), Bt(0, FB, CV_32F), Bv(0, FB, CV_32F);
  std::vector<int> yt, yv;
  std::set<std::int32_t> tpolys, vpolys;
  std::vector<std::int32_t> validation_polygon;  // of each validation pixel
  for (const auto& s : per_block) {
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
      const auto p = static_cast<std::size_t>(s.polygon[i]);
      const std::size_t cap = static_cast<std::size_t>(cfg.classifier_max_pixels_per_polygon);
      const std::size_t k = poly_seen[p]++;
      // keep pixel k when it is the first of its stride: floor(k·cap/n) changes
      if (poly_pixels[p] > cap && (k * cap) / poly_pixels[p] == ((k + 1) * cap) / poly_pixels[p]) continue;
      const cv::Mat row(1, F, CV_32F, const_cast<float*>(s.rows.data() + i * static_cast<std::size_t>(F)));
      const bool v = is_validation[p];
      (v ? Xv : Xt).push_back(row);
      if (opt.baseline) {
        const cv::Mat br(1, FB, CV_32F, const_cast<float*>(s.baseline_rows.data() + i * static_cast<std::size_t>(FB)));
        (v ? Bv : Bt).push_back(br);
      }
      (v ? yv : yt).push_back(s.labels[i]);
      if (v) summary.validation_cells.push_back(s.cell[i]), validation_polygon.push_back(s.polygon[i]);
      (v ? vpolys : tpolys).insert(s.polygon[i]);
    }
  }
  summary.train_pixels = yt.size();
  summary.validation_pixels = yv.size();
  summary.validation_labels = yv;
  summary.train_polygons = tpolys.size();
  summary.validation_polygons = vpolys.size();
  if (yt.empty()) throw InputError(samples_path + ": no reference pixel falls on the analysis grid");
  spdlog::info("training on {} pixels of {} polygons, validating on {} pixels of {} units (polygons or points)",
               yt.size(), tpolys.size(), yv.size(), vpolys.size());

  kernels::ForestParams fp;
  fp.trees = cfg.classifier_trees;
  fp.max_depth = cfg.classifier_max_depth;
  fp.seed = static_cast<std::uint64_t>(cfg.classifier_seed);
  CropModel model;
  model.layout = fo.layout;
  model.feature_names = fo.layout.names();
  model.cloud_dilation = fo.cloud_dilation;
  model.context_radius = fo.context_radius;
  model.context_bandwidth = fo.context_bandwidth;
  model.classes = cfg.classes;
  // Predicted class codes at the validation pixels → per validation polygon
  // (order of first appearance), each polygon's pixels per predicted class.
  const int C = static_cast<int>(cfg.classes.size());
  // The validation unit of each validation pixel, numbered in order of first
  // appearance: the order of the per-unit validations and of the model's
  // validation pixels alike.
  std::vector<int> unit_of(validation_polygon.size());
  int units = 0;
  {
    std::map<std::int32_t, int> slot;
    for (std::size_t k = 0; k < validation_polygon.size(); ++k)
      unit_of[k] = slot.emplace(validation_polygon[k], static_cast<int>(slot.size())).first->second;
    units = static_cast<int>(slot.size());
  }
  auto per_polygon = [&](const std::vector<int>& pred) {
    std::vector<kernels::ValidationPolygon> out(static_cast<std::size_t>(units));
    for (std::size_t k = 0; k < pred.size(); ++k) {
      auto& u = out[static_cast<std::size_t>(unit_of[k])];
      if (u.mapped.empty()) u = {class_row.at(yv[k]), std::vector<std::int64_t>(static_cast<std::size_t>(C), 0)};
      const auto r = class_row.find(pred[k]);
      if (r != class_row.end()) ++u.mapped[static_cast<std::size_t>(r->second)];
    }
    return out;
  };
  // With a field context, two forests on two views of the same training
  // rows, whose votes are summed: one on the pixel's own features, one with
  // its radar features replaced by their field means. The context alone
  // helps where fields vary and canopies look alike and costs up to two
  // points where they do not (docs/crop_classification.md, "Field context");
  // the committee keeps most of the gain and little of the loss.
  if (fo.context_radius > 0) {
    const int L = fo.layout.size();
    cv::Mat context_view(Xt.rows, L, CV_32F);
    const auto columns = fo.layout.context_columns();
    for (int j = 0; j < L; ++j) Xt.col(columns[static_cast<std::size_t>(j)]).copyTo(context_view.col(j));
    // Two independent fits, each seeding its own thread's cv::theRNG(): in
    // parallel, and the same forests whatever the thread count. Isolated, so
    // that a thread waiting inside one fit (should OpenCV ever parallelise
    // it) never picks up the other fit and reseeds its generator midway.
    const cv::Mat pixel_view = Xt.colRange(0, L).clone();
    cv::Ptr<cv::ml::RTrees> pixel, context;
    arena.execute([&] {
      tbb::parallel_invoke(
          [&] { tbb::this_task_arena::isolate([&] { pixel = kernels::train_forest(pixel_view, yt, fp); }); },
          [&] { tbb::this_task_arena::isolate([&] { context = kernels::train_forest(context_view, yt, fp); }); });
    });
    model.set_forests(std::move(pixel), std::move(context));
  } else {
    model.set_forests(kernels::train_forest(Xt, yt, fp));
  }
  const auto forest_pred = model.flat_forest.predict(Xv);
  model.validation_polygons = per_polygon(forest_pred);
  summary.validation = kernels::confusion_of(model.validation_polygons, C);
  summary.accuracy = kernels::assess(summary.validation);
  model.validation = summary.validation;
  // The map `run` writes is the forest's followed by the post-processing
  // (majority filter, segment voting), and its areas are adjusted with a
  // validation matrix: validate that map too, on the same pixels, so the
  // Olofsson areas and their intervals describe the map they adjust.
  // Each block holding validation pixels is classified on the bounding box
  // of those pixels (classify_crops reads its own halo, so the classes do
  // not depend on the window).
  {
    // Column and row of a validation cell; its block on the grid.blocks()
    // lattice (row-major, block_size apart).
    const auto W = static_cast<std::size_t>(grid.width);
    auto xy = [W](std::size_t cell) { return std::pair{static_cast<int>(cell % W), static_cast<int>(cell / W)}; };
    const int bs = cfg.block_size, blocks_x = (grid.width + bs - 1) / bs;
    std::vector<std::vector<std::size_t>> in_block(windows.size());
    for (std::size_t k = 0; k < summary.validation_cells.size(); ++k) {
      const auto [x, y] = xy(summary.validation_cells[k]);
      in_block[static_cast<std::size_t>((y / bs) * blocks_x + x / bs)].push_back(k);
    }
    const CropPostProcessing post_processing = CropPostProcessing::from(cfg);
    std::vector<int> mapped(summary.validation_cells.size(), 0);
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, windows.size(), [&](std::size_t bi) {
        if (in_block[bi].empty()) return;
        int x0 = grid.width, y0 = grid.height, x1 = 0, y1 = 0;
        for (std::size_t k : in_block[bi]) {
          const auto [x, y] = xy(summary.validation_cells[k]);
          x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x + 1), y1 = std::max(y1, y + 1);
        }
        const PixelWindow box{x0, y0, x1 - x0, y1 - y0};
        const auto cls = classify_crops(in, box, model, post_processing);
        for (std::size_t k : in_block[bi]) {
          const auto [x, y] = xy(summary.validation_cells[k]);
          mapped[k] = cls[static_cast<std::size_t>(y - y0) * static_cast<std::size_t>(box.width) +
                          static_cast<std::size_t>(x - x0)];
        }
      });
    });
    model.map_validation_polygons = per_polygon(mapped);
    model.validation_crs_wkt = grid.crs_wkt;
    // Each validation pixel where it lies, with its unit and its two
    // classes: run corrects each commune's areas with the errors of the
    // pixels inside it.
    for (std::size_t k = 0; k < validation_polygon.size(); ++k) {
      const int u = unit_of[k];
      const auto f = class_row.find(forest_pred[k]);
      // The forest predicts the labels it was trained on, all in the table.
      if (f == class_row.end()) throw Error("the forest predicted class " + std::to_string(forest_pred[k]) +
                                            ", which is not in the class table");
      const auto m = class_row.find(mapped[k]);
      const auto [x, y] = xy(summary.validation_cells[k]);
      model.validation_pixels.push_back({grid.origin_x + (x + 0.5) * grid.resolution,
                                         grid.origin_y - (y + 0.5) * grid.resolution, u, f->second,
                                         m == class_row.end() ? -1 : m->second});
    }
    summary.map_validation = kernels::confusion_of(model.map_validation_polygons, C);
    summary.map_accuracy = kernels::assess(summary.map_validation);
    summary.map_post_processing = post_processing.describe();
    model.map_validation = summary.map_validation;
    model.map_post_processing = summary.map_post_processing;
  }
  model.metadata = {{"created_utc", utc_now_rfc3339()},
                    {"software_version", PADDYMRV_VERSION},
                    {"samples", samples_path},
                    {"samples_sha256", sha256_dataset(samples_path)},
                    {"feature_settings", CropFeatureSettings::from(cfg).describe()},
                    {"radar_context", model.describe_context()},
                    {"split", has_split ? "split attribute" : "seeded by polygon"},
                    {"seed", std::to_string(cfg.classifier_seed)},
                    {"trees", std::to_string(cfg.classifier_trees)},
                    {"max_depth", std::to_string(cfg.classifier_max_depth)},
                    {"train_pixels", std::to_string(yt.size())},
                    {"validation_pixels", std::to_string(yv.size())},
                    {"train_polygons", std::to_string(tpolys.size())},
                    {"validation_polygons", std::to_string(vpolys.size())},
                    {"season_name", cfg.season_name},
                    {"season_start", cfg.season_start},
                    {"season_end", cfg.season_end},
                    // per pixel, before post-processing; the map's below
                    {"overall_accuracy_per_pixel", std::to_string(summary.accuracy.overall)},
                    {"kappa_per_pixel", std::to_string(summary.accuracy.kappa)},
                    {"map_overall_accuracy", std::to_string(summary.map_accuracy.overall)},
                    {"map_kappa", std::to_string(summary.map_accuracy.kappa)}};
  summary.radar_context = model.describe_context();
  save_crop_model(model, opt.model_path);
  if (opt.baseline) {
    const kernels::FlatForest baseline(*kernels::train_forest(Bt, yt, fp));
    summary.baseline_validation = kernels::confusion_of(per_polygon(baseline.predict(Bv)), C);
    summary.baseline_accuracy = kernels::assess(summary.baseline_validation);
    if (opt.baseline_map) {
      // The whole map, so that a benchmark can compare the two forests on
      // every interior pixel, not only on the few validation polygons.
      CropFeatureOptions per_pixel = fo;  // the baseline's features never use the context
      per_pixel.context_radius = 0;
      summary.baseline_map.assign(static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height), 0);
      arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, windows.size(), [&](std::size_t bi) {
          const PixelWindow& bw = windows[bi];
          const auto pred = baseline.predict(read_crop_features(in, bw, per_pixel).baseline);
          for (int y = 0; y < bw.height; ++y)
            for (int x = 0; x < bw.width; ++x) {
              const int c = pred[static_cast<std::size_t>(y) * static_cast<std::size_t>(bw.width) + static_cast<std::size_t>(x)];
              summary.baseline_map[static_cast<std::size_t>(bw.y0 + y) * static_cast<std::size_t>(grid.width) +
                                   static_cast<std::size_t>(bw.x0 + x)] =
                  class_row.count(c) ? static_cast<std::uint8_t>(c) : 0;
            }
        });
      });
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  nlohmann::json j = accuracy_json(summary.validation, summary.accuracy, summary.classes);
  j["model"] = opt.model_path;
  j["train_pixels"] = yt.size();
  j["validation_pixels"] = yv.size();
  j["train_polygons"] = tpolys.size();
  j["validation_polygons"] = vpolys.size();
  j["features"] = model.feature_names;
  j["radar_context"] = summary.radar_context;
  j["map"] = accuracy_json(summary.map_validation, summary.map_accuracy, summary.classes);
  j["map"]["post_processing"] = summary.map_post_processing;
  if (opt.baseline) j["baseline"] = accuracy_json(summary.baseline_validation, summary.baseline_accuracy, summary.classes);
  summary.report_json = j.dump(2);
  if (!opt.report_path.empty()) {
    std::ofstream os(opt.report_path);
    os << summary.report_json << "\n";
    if (!os) throw Error(opt.report_path + ": cannot write the validation report");
  }
  return summary;
}

std::string format_train_report(const TrainSummary& s) {
  std::ostringstream os;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "validation: %zu pixels of %zu units (polygons or points; training: %zu pixels of %zu polygons)\n",
                s.validation_pixels, s.validation_polygons, s.train_pixels, s.train_polygons);
  os << buf;
  if (!s.radar_context.empty())
    os << "forests: "
       << (s.radar_context == "off" ? "one, per pixel"
                                    : "two, votes summed: per pixel, and radar features in field context, " +
                                          s.radar_context)
       << "\n";
  std::snprintf(buf, sizeof buf, "overall accuracy %.4f   kappa %.4f   (the classifier per pixel, unfiltered)\n",
                s.accuracy.overall, s.accuracy.kappa);
  os << buf;
  if (s.map_validation.k) {
    std::snprintf(buf, sizeof buf, "overall accuracy %.4f   kappa %.4f   (the map as `run` writes it: %s)\n",
                  s.map_accuracy.overall, s.map_accuracy.kappa, s.map_post_processing.c_str());
    os << buf;
  }
  if (s.baseline_validation.k) {
    std::snprintf(buf, sizeof buf, "baseline (per-pixel NDVI/LSWI + VV/VH percentiles): OA %.4f   kappa %.4f\n",
                  s.baseline_accuracy.overall, s.baseline_accuracy.kappa);
    os << buf;
  }
  os << "\nclass                 precision  recall     F1   ref px\n";
  for (std::size_t c = 0; c < s.classes.size(); ++c) {
    const auto& a = s.accuracy.classes[c];
    if (!a.reference_count && !a.map_count) continue;
    std::snprintf(buf, sizeof buf, "%2d %-18s %9.3f %7.3f %6.3f %8lld\n", s.classes[c].code,
                  s.classes[c].name.c_str(), a.precision, a.recall, a.f1, static_cast<long long>(a.reference_count));
    os << buf;
  }
  os << "\nconfusion matrix (rows predicted, columns reference; class codes)\n     ";
  for (const auto& k : s.classes) {
    std::snprintf(buf, sizeof buf, "%7d", k.code);
    os << buf;
  }
  os << "\n";
  for (int r = 0; r < s.validation.k; ++r) {
    std::snprintf(buf, sizeof buf, "%4d ", s.classes[static_cast<std::size_t>(r)].code);
    os << buf;
    for (int c = 0; c < s.validation.k; ++c) {
      std::snprintf(buf, sizeof buf, "%7lld", static_cast<long long>(s.validation.at(r, c)));
      os << buf;
    }
    os << "\n";
  }
  return os.str();
}

}  // namespace paddymrv
