// Crop-type classification (issue #4): S2 masking and gap filling on
// hand-built series, the feature layout, accuracy and Olofsson area
// arithmetic, model save/load, and train → run on a simulated season.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <map>
#include <filesystem>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include "kernels/accuracy_assessment.hpp"
#include "kernels/area_estimate.hpp"
#include "kernels/crop_features.hpp"
#include "kernels/majority_filter.hpp"
#include "kernels/random_forest.hpp"
#include "kernels/s2_indices.hpp"
#include "kernels/time_grid.hpp"
#include "pipeline/crop_feature_settings.hpp"
#include "pipeline/crop_features_block.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/crop_writer.hpp"
#include "pipeline/gdal_handle.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/polygon_layer.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/result_export.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/run_job.hpp"
#include "pipeline/simulator.hpp"
#include "pipeline/train_job.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;
using namespace paddymrv::kernels;

TEST(S2Indices, ReflectanceAppliesScaleOffsetAndNodata) {
  EXPECT_NEAR(reflectance(3000, 1e-4, -0.1), 0.2f, 1e-6);
  EXPECT_TRUE(std::isnan(reflectance(0, 1e-4, -0.1)));
  EXPECT_NEAR(normalized_difference(0.4f, 0.1f), 0.6f, 1e-6);
  EXPECT_TRUE(std::isnan(normalized_difference(NAN, 0.1f)));
  EXPECT_TRUE(std::isnan(normalized_difference(-0.05f, 0.0f)));
}

TEST(S2Indices, CloudMaskDilatesAroundCloudsAndShadows) {
  // 7×3 SCL: vegetation everywhere, a cloud at x=1 and a shadow at x=6 of the middle row, saturated at (3,0).
  std::vector<std::uint8_t> scl(21, 4);
  scl[1 * 7 + 1] = 9;
  scl[1 * 7 + 6] = 3;
  scl[0 * 7 + 3] = 1;
  const auto m0 = clear_sky_mask(scl, 7, 3, default_scl_mask(), 0);
  EXPECT_EQ(m0[1 * 7 + 1], 0);
  EXPECT_EQ(m0[1 * 7 + 2], 1);
  EXPECT_EQ(m0[0 * 7 + 3], 0);  // not usable, but not dilated either
  EXPECT_EQ(m0[1 * 7 + 3], 1);
  const auto m1 = clear_sky_mask(scl, 7, 3, default_scl_mask(), 1);
  for (int y = 0; y < 3; ++y) {
    EXPECT_EQ(m1[y * 7 + 0], 0);
    EXPECT_EQ(m1[y * 7 + 2], 0);  // cloud neighbour
    EXPECT_EQ(m1[y * 7 + 4], 1);  // two pixels from both
    EXPECT_EQ(m1[y * 7 + 5], 0);  // shadow neighbour
  }
  EXPECT_EQ(m1[2 * 7 + 3], 1);
}

TEST(TimeGrid, CompositesInterpolatesAndHoldsEdges) {
  const TimeGrid g{0, 100, 10};  // 10-day steps
  EXPECT_EQ(g.step_of(0), 0);
  EXPECT_EQ(g.step_of(99.9), 9);
  EXPECT_EQ(g.step_of(100), -1);
  EXPECT_EQ(g.step_of(-1), -1);
  // Valid at steps 2 (mean of 0.2 and 0.4) and 6 (0.7); a cloudy date (NaN) in step 4; one date outside.
  const std::vector<double> days = {21, 25, 45, 61, 130};
  const std::vector<float> v = {0.2f, 0.4f, NAN, 0.7f, 5.0f};
  std::vector<float> out(10);
  EXPECT_EQ(composite_and_fill(g, days, v, -9, out.data()), 2);
  const std::vector<float> want = {0.3f, 0.3f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.7f, 0.7f, 0.7f};
  for (int k = 0; k < 10; ++k) EXPECT_NEAR(out[k], want[k], 1e-6) << k;
  // Never clear: the neutral value everywhere, no NaN.
  EXPECT_EQ(composite_and_fill(g, {10, 20}, {NAN, NAN}, -9, out.data()), 0);
  for (float x : out) EXPECT_EQ(x, -9);
}

TEST(CropFeatures, LayoutNamesAndValuesWithoutNaN) {
  CropFeatureLayout layout;
  layout.s2_steps = 4;
  layout.s1_steps = 2;
  const auto names = layout.names();
  ASSERT_EQ(static_cast<int>(names.size()), layout.size());
  EXPECT_EQ(layout.size(), 3 * 4 + 12 + 1 + 2);
  EXPECT_EQ(names.front(), "s2_ndvi_t0");
  EXPECT_EQ(names[4], "s2_lswi_t0");
  EXPECT_EQ(names[12], "s1_vv_p10");
  EXPECT_EQ(names[17], "s1_vv_min_time");
  EXPECT_EQ(names[24], "s1_vh_minus_vv_p50");
  EXPECT_EQ(names.back(), "s1_vh_t1");
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());

  // A paddy: flooded (dark) at day 10, canopy later.
  const std::vector<double> s2d = {5, 30, 55, 80}, s1d = {10, 30, 50, 70, 90};
  PixelObservations o;
  o.s2_days = &s2d;
  o.s1_days = &s1d;
  o.ndvi = {0.1f, NAN, 0.6f, 0.8f};
  o.lswi = {0.5f, NAN, 0.3f, 0.2f};
  o.ndre = {0.05f, NAN, 0.3f, 0.4f};
  o.vv_db = {-18, -12, -10, -9, -9};
  o.vh_db = {-25, -18, -16, -15, -15};
  std::vector<float> f(static_cast<std::size_t>(layout.size()));
  compute_crop_features(layout, 0, 100, o, f.data());
  for (float x : f) EXPECT_FALSE(std::isnan(x));
  EXPECT_NEAR(f[0], 0.1f, 1e-6);                // step 0: day 5
  EXPECT_NEAR(f[1], 0.35f, 1e-6);               // step 1 empty (cloud): interpolated
  EXPECT_NEAR(f[12 + 4], -18.0f, 1e-6);         // VV min
  EXPECT_NEAR(f[12 + 5], 0.10f, 1e-6);          // at day 10 of 100
  EXPECT_NEAR(f[12 + 1], -10.0f, 1e-6);         // VV median
  EXPECT_NEAR(f[24], -6.0f, 1e-6);              // median VH−VV
  EXPECT_NEAR(f[25], -21.5f, 1e-5);             // VH, first half of the season: days 10 and 30

  // A pixel never observed still gets a full, NaN-free vector.
  PixelObservations empty;
  compute_crop_features(layout, 0, 100, empty, f.data());
  for (float x : f) EXPECT_FALSE(std::isnan(x));
}

TEST(Accuracy, OverallKappaAndF1) {
  ConfusionMatrix m(2);
  m.at(0, 0) = 45, m.at(0, 1) = 5, m.at(1, 0) = 15, m.at(1, 1) = 35;  // rows map, columns reference
  const auto r = assess(m);
  EXPECT_NEAR(r.overall, 0.8, 1e-12);
  // pe = (50·60 + 50·40)/100² = 0.5 → κ = 0.6
  EXPECT_NEAR(r.kappa, 0.6, 1e-12);
  EXPECT_NEAR(r.classes[0].precision, 0.9, 1e-12);
  EXPECT_NEAR(r.classes[0].recall, 0.75, 1e-12);
  EXPECT_NEAR(r.classes[0].f1, 2 * 0.9 * 0.75 / 1.65, 1e-12);
}

// Olofsson et al. 2014, RSE 148:42, section 5 worked example (Table 8):
// strata deforestation, forest gain, stable forest, stable non-forest with
// mapped areas 200,000 / 150,000 / 3,200,000 / 6,450,000 pixels of 30 m
// (0.09 ha), sample error matrix below. The paper reports deforestation
// 21,158 ± 6,158 ha and overall accuracy 0.95.
TEST(AreaEstimate, OlofssonWorkedExample) {
  ConfusionMatrix m(4);
  const int n[4][4] = {{66, 0, 5, 4}, {0, 55, 8, 12}, {1, 0, 153, 11}, {2, 1, 9, 313}};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) m.at(i, j) = n[i][j];
  const std::vector<double> mapped = {200000 * 0.09, 150000 * 0.09, 3200000 * 0.09, 6450000 * 0.09};
  const auto e = stratified_area_estimate(m, mapped);
  EXPECT_NEAR(e.adjusted[0], 21158, 1.0);
  EXPECT_NEAR(e.ci95[0], 6158, 1.0);
  EXPECT_NEAR(e.overall, 0.947, 0.0005);
  EXPECT_NEAR(e.users[0], 0.88, 1e-9);
  EXPECT_NEAR(e.producers[0], 0.0176 / (21158.0 / 900000), 1e-3);
  double sum = 0;
  for (double a : e.adjusted) sum += a;
  EXPECT_NEAR(sum, 900000, 1e-6);  // areas are redistributed, never created
}

TEST(AreaEstimate, ErrorFreeSmallSampleStillHasAnInterval) {
  // Five validation points of a small class, all right: Eq. 10 would give
  // ± 0, as if the class's 100 ha were known exactly. The share's posterior
  // under a uniform prior, Beta(6, 1), has variance 6·1/(7²·8).
  ConfusionMatrix m(2);
  m.at(0, 0) = 5;
  m.at(1, 1) = 95;
  m.at(1, 0) = 5;
  const auto e = stratified_area_estimate(m, {100, 900});
  EXPECT_DOUBLE_EQ(e.adjusted[0], 100 + 900 * 5.0 / 100);  // the point estimate is Olofsson's
  const double own = 0.01 * 6.0 / (49.0 * 8.0), other = 0.81 * 0.05 * 0.95 / 99;
  EXPECT_NEAR(e.ci95[0], 1.96 * 1000 * std::sqrt(own + other), 1e-9);
  // All wrong is as uncertain as all right (Beta(1, 6)).
  ConfusionMatrix wrong(2);
  wrong.at(0, 1) = 5;
  wrong.at(1, 1) = 95;
  wrong.at(1, 0) = 5;
  EXPECT_NEAR(stratified_area_estimate(wrong, {100, 900}).ci95[0], 1.96 * 1000 * std::sqrt(own + other), 1e-9);
}

TEST(AreaEstimate, AStratumTheSampleNeverVisitedIsNotExact) {
  // No validation sample mapped as class 0: its 100 ha stay class 0, with
  // the uniform prior's variance on that share (1/12), not ± 0.
  ConfusionMatrix m(2);
  m.at(1, 1) = 50;
  const auto e = stratified_area_estimate(m, {100, 900});
  EXPECT_DOUBLE_EQ(e.adjusted[0], 100);
  const double beta_50 = 51.0 / (52.0 * 52 * 53);  // stratum 1: 50 of 50 right
  EXPECT_NEAR(e.ci95[0], 1.96 * 1000 * std::sqrt(0.01 / 12), 1e-9);
  EXPECT_NEAR(e.ci95[1], 1.96 * 1000 * std::sqrt(0.81 * beta_50), 1e-9);
}

TEST(AreaEstimate, SeeingAnErrorNeverNarrowsTheInterval) {
  // One stratum of n samples with 0, 1, 2 … errors: the width of its own
  // class's interval grows with the errors seen, from the error-free
  // posterior on to Eq. 10.
  for (const int n : {3, 5, 13, 20, 100, 1800}) {
    double last = 0;
    for (int errors = 0; errors <= std::min(n / 2, 5); ++errors) {
      ConfusionMatrix m(2);
      m.at(0, 0) = n - errors;
      m.at(0, 1) = errors;
      m.at(1, 1) = 50;
      const double w = stratified_area_estimate(m, {100, 900}).ci95[0];
      EXPECT_GT(w, last) << "n " << n << " errors " << errors;
      last = w;
    }
  }
}

TEST(CropModel, SaveLoadRoundTripGivesTheSamePredictions) {
  CropFeatureLayout layout;
  const int F = layout.size();
  cv::Mat X(300, F, CV_32F);
  std::vector<int> y(300);
  cv::RNG rng(7);
  for (int i = 0; i < 300; ++i) {
    y[static_cast<std::size_t>(i)] = 1 + i % 3;
    for (int j = 0; j < F; ++j) X.at<float>(i, j) = static_cast<float>(rng.gaussian(1.0) + (j % 7 == 0 ? y[static_cast<std::size_t>(i)] : 0));
  }
  ForestParams p;
  p.trees = 20;
  CropModel m;
  m.layout = layout;
  m.feature_names = layout.names();
  m.classes = {{1, "rice"}, {2, "vegetables"}, {3, "tea"}};
  m.validation = ConfusionMatrix(3);
  m.validation.at(0, 0) = 10, m.validation.at(1, 2) = 3;
  m.metadata = {{"seed", "42"}};
  m.set_forests(train_forest(X, y, p));
  // Same seed → same forest.
  EXPECT_EQ(predict_forest(*m.forest, X), predict_forest(*train_forest(X, y, p), X));
  const auto dir = test::fresh_dir("crop_model");
  const auto path = (dir / "model.yml").string();
  save_crop_model(m, path);
  const CropModel l = load_crop_model(path);
  EXPECT_EQ(l.feature_names, m.feature_names);
  EXPECT_EQ(l.classes.size(), 3u);
  EXPECT_EQ(l.classes[2].name, "tea");
  EXPECT_EQ(l.validation.n, m.validation.n);
  EXPECT_EQ(l.metadata.at("seed"), "42");
  EXPECT_EQ(predict_forest(*l.forest, X), predict_forest(*m.forest, X));
  EXPECT_EQ(l.flat_forest.predict(X), predict_forest(*m.forest, X));
  EXPECT_THROW(load_crop_model((dir / "missing.yml").string()), InputError);
  EXPECT_EQ(l.context_radius, 0);
  EXPECT_FALSE(l.context_forest);
  auto text_of = [](const std::string& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  {  // A model written before the context filter (no such keys) was trained per pixel.
    std::string yml = text_of(path);
    for (const char* key : {"context_radius", "context_bandwidth"}) {
      const auto at = yml.find(std::string(key) + ":");
      ASSERT_NE(at, std::string::npos) << key;
      yml.erase(at, yml.find('\n', at) - at + 1);
    }
    std::ofstream((dir / "old.yml").string()) << yml;
    const CropModel old = load_crop_model((dir / "old.yml").string());
    EXPECT_EQ(old.context_radius, 0);
    EXPECT_EQ(predict_forest(*old.forest, X), predict_forest(*m.forest, X));
  }
  // With a field context the model is two forests, both stored, and run
  // applies the model's context, not its own config's. The committee reads
  // rows of the pixel's features followed by the means of its radar ones;
  // its votes are the pixel forest's on the first plus the context forest's
  // on the optical features and the means.
  const auto pixel_forest = m.forest;
  const int S1 = layout.first_s1_feature();
  cv::Mat Xc = X.clone();  // the context view: other radar values
  Xc.colRange(S1, F) = Xc.colRange(S1, F) * 0.5 + 0.3;
  cv::Mat rows;
  cv::hconcat(X, Xc.colRange(S1, F), rows);
  ASSERT_EQ(rows.cols, layout.context_row_width());
  m.context_radius = 3;
  m.context_bandwidth = 0.07;
  ForestParams pc = p;
  pc.seed = 99;
  m.set_forests(pixel_forest, train_forest(Xc, y, pc));
  const auto context_path = (dir / "context.yml").string();
  save_crop_model(m, context_path);
  const CropModel lc = load_crop_model(context_path);
  EXPECT_EQ(lc.context_radius, 3);
  EXPECT_DOUBLE_EQ(lc.context_bandwidth, 0.07);
  ASSERT_TRUE(lc.context_forest);
  EXPECT_EQ(lc.row_width(), layout.context_row_width());
  std::vector<std::uint16_t> both, own, context;
  const auto committee = lc.flat_forest.predict(rows, &both);
  kernels::FlatForest(*lc.forest).predict(X, &own);
  kernels::FlatForest(*lc.context_forest).predict(Xc, &context);
  ASSERT_EQ(both.size(), own.size());
  for (std::size_t i = 0; i < both.size(); ++i) ASSERT_EQ(both[i], own[i] + context[i]) << i;
  EXPECT_EQ(committee, m.flat_forest.predict(rows));
  EXPECT_EQ(predict_forest(*lc.context_forest, Xc), predict_forest(*m.context_forest, Xc));
  // Refused with the file named and the reason: version 1 or 2 with a
  // context (version 2 was one forest on the context view alone; a binary
  // from before would misapply either), a context without its second forest,
  // a second forest without a context.
  auto refused = [&](const std::string& yml, const std::string& reason) {
    const std::string file = (dir / "edited.yml").string();
    std::ofstream(file) << yml;
    try {
      load_crop_model(file);
      ADD_FAILURE() << "not refused: " << reason;
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(file), std::string::npos) << what;
      EXPECT_NE(what.find(reason), std::string::npos) << what;
    }
  };
  {
    const std::string yml = text_of(context_path);
    auto replaced = [&](const std::string& from, const std::string& to) {
      std::string out = yml;
      const auto at = out.find(from);
      EXPECT_NE(at, std::string::npos) << from;
      return at == std::string::npos ? out : out.replace(at, from.size(), to);
    };
    refused(replaced("format_version: 3", "format_version: 1"), "must be format_version 3");
    refused(replaced("format_version: 3", "format_version: 2"), "format_version 2 (one forest on the radar context");
    refused(yml.substr(0, yml.find("context_forest:")), "a field context without its context_forest");
    refused(replaced("context_radius: 3", "context_radius: 0"), "a context_forest without a context_radius");
  }
  // And in memory: the forests must match the context.
  EXPECT_THROW(m.set_forests(pixel_forest), std::invalid_argument);
  m.context_radius = 0;
  EXPECT_THROW(m.set_forests(pixel_forest, m.context_forest), std::invalid_argument);
  m.set_forests(pixel_forest);
  // Written before the map validation existed (no such keys): the per-pixel
  // validation serves every post-processing.
  EXPECT_EQ(l.map_validation.k, 0);
  EXPECT_TRUE(l.validation_polygons.empty());
  const auto old_view = l.validation_for("majority_window=off segment_tile=off");
  EXPECT_EQ(&old_view.matrix, &l.validation);
  EXPECT_FALSE(old_view.of_map);
  // With it: kept, and used only for the post-processing it was made with;
  // the polygons come back as written.
  m.map_validation = ConfusionMatrix(3);
  m.map_validation.at(1, 1) = 7, m.map_validation.at(2, 0) = 1;
  m.map_post_processing = "majority_window=9 majority_of=guided";
  m.map_validation_polygons = {{1, {0, 4, 0}}, {1, {0, 3, 0}}, {0, {0, 0, 1}}};
  m.validation_polygons = {{0, {10, 0, 0}}, {2, {0, 3, 0}}};
  save_crop_model(m, path);
  const CropModel l2 = load_crop_model(path);
  EXPECT_EQ(l2.map_validation.n, m.map_validation.n);
  EXPECT_EQ(l2.map_post_processing, m.map_post_processing);
  ASSERT_EQ(l2.map_validation_polygons.size(), 3u);
  EXPECT_EQ(l2.map_validation_polygons[2].reference, 0);
  EXPECT_EQ(l2.map_validation_polygons[2].mapped, (std::vector<std::int64_t>{0, 0, 1}));
  const auto map_view = l2.validation_for(m.map_post_processing);
  EXPECT_EQ(&map_view.matrix, &l2.map_validation);
  EXPECT_EQ(&map_view.polygons, &l2.map_validation_polygons);
  EXPECT_TRUE(map_view.of_map);
  const auto other_view = l2.validation_for("majority_window=off segment_tile=off");
  EXPECT_EQ(&other_view.matrix, &l2.validation);
  EXPECT_EQ(&other_view.polygons, &l2.validation_polygons);
  EXPECT_FALSE(other_view.of_map);
  {
    // Where each validation pixel lies, with its unit and its two classes,
    // round trips; pixels that do not add up to the units are refused.
    CropModel mp = m;
    mp.validation = ConfusionMatrix(3);
    mp.validation.at(0, 0) = 2, mp.validation.at(1, 2) = 1;
    mp.validation_polygons = {{0, {2, 0, 0}}, {2, {0, 1, 0}}};
    mp.map_validation = ConfusionMatrix(3);
    mp.map_validation.at(0, 0) = 1, mp.map_validation.at(1, 0) = 1, mp.map_validation.at(2, 2) = 1;
    mp.map_validation_polygons = {{0, {1, 1, 0}}, {2, {0, 0, 1}}};
    mp.validation_pixels = {{380005, 2489995, 0, 0, 0}, {380015, 2489995, 0, 0, 1}, {380025.5, 2489985, 1, 1, 2}};
    mp.validation_crs_wkt = "PROJCRS[\"WGS 84 / UTM zone 48N\"]";
    save_crop_model(mp, path);
    const CropModel lp = load_crop_model(path);
    EXPECT_EQ(lp.validation_crs_wkt, mp.validation_crs_wkt);
    ASSERT_EQ(lp.validation_pixels.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(lp.validation_pixels[i].x, mp.validation_pixels[i].x);
      EXPECT_EQ(lp.validation_pixels[i].y, mp.validation_pixels[i].y);
      EXPECT_EQ(lp.validation_pixels[i].unit, mp.validation_pixels[i].unit);
      EXPECT_EQ(lp.validation_pixels[i].forest, mp.validation_pixels[i].forest);
      EXPECT_EQ(lp.validation_pixels[i].map, mp.validation_pixels[i].map);
    }
    EXPECT_TRUE(l2.validation_pixels.empty());  // models from before: none
    mp.validation_pixels[2].forest = 0;          // unit 1 would then hold a class-0 pixel
    save_crop_model(mp, path);
    EXPECT_THROW(load_crop_model(path), InputError);
    mp.validation_pixels[2].forest = 1;
    mp.validation_pixels[1].map = 2;  // unit 0's map classes would not match
    save_crop_model(mp, path);
    EXPECT_THROW(load_crop_model(path), InputError);
    mp.validation_pixels[1].map = 1;
    mp.validation_pixels[0].unit = 5;  // no such unit
    save_crop_model(mp, path);
    EXPECT_THROW(load_crop_model(path), InputError);
    mp.validation_pixels[0].unit = 0;
    mp.validation_crs_wkt.clear();  // coordinates without their CRS
    save_crop_model(mp, path);
    EXPECT_THROW(load_crop_model(path), InputError);
    mp.validation_crs_wkt = "PROJCRS[\"WGS 84 / UTM zone 48N\"]";
    mp.map_validation_polygons.clear();  // map classes without the map's validation units
    mp.map_validation = ConfusionMatrix();
    save_crop_model(mp, path);
    EXPECT_THROW(load_crop_model(path), InputError);
  }
  // Polygons that do not add up to their matrix are refused.
  m.map_validation_polygons[0].mapped[1] = 5;
  save_crop_model(m, path);
  EXPECT_THROW(load_crop_model(path), InputError);
}

// Train on the simulated demo season's reference polygons, run with the
// model, compare the map with the truth. Loose floor: the benchmark
// (benchmarks/crop_accuracy.sh) measures the real accuracy on unseen seeds.
TEST(CropIntegration, TrainThenRunClassifiesTheSeason) {
  const auto dir = test::fresh_dir("crop_integration");
  auto p = sim::preset("demo");
  p.seed = 4242;
  sim::simulate(p, dir / "sim");
  const std::string model = (dir / "model.yml").string();
  Config cfg = load_config((dir / "sim" / "paddymrv.toml").string(),
                           {{"samples", (dir / "sim" / "reference.geojson").string()}, {"model", model},
                            {"trees", "40"}, {"threads", "2"}, {"out", (dir / "a.h5").string()}});
  TrainOptions to;
  to.model_path = model;
  to.report_path = (dir / "report.json").string();
  const TrainSummary ts = train_job(cfg, to);
  EXPECT_GT(ts.validation_pixels, 0u);
  EXPECT_GT(ts.accuracy.overall, 0.7);
  EXPECT_TRUE(fs::exists(to.report_path));

  run_job(cfg);
  Config cfg2 = cfg;
  cfg2.out = (dir / "b.h5").string();
  cfg2.threads = 1;
  cfg2.block_size = 96;
  run_job(cfg2);
  const ResultReader a(dir / "a.h5"), b(dir / "b.h5");
  const auto cls = a.read<std::int32_t>("/maps/crop_class");
  // Threads and block size do not matter, with the (default, guided 9×9)
  // majority filter on: its halo crosses block edges.
  ASSERT_EQ(cfg.classifier_majority_of, "guided");
  ASSERT_EQ(cfg.classifier_majority_window, 9);
  EXPECT_EQ(cls, b.read<std::int32_t>("/maps/crop_class"));
  {
    // Validated on reference polygons, the communes are corrected with their
    // own validation pixels too: every pixel of every polygon placed (the
    // communes tile the grid), and the same areas whatever the threads.
    const CropModel m = load_crop_model(model);
    const auto per_commune = a.attribute_doubles("/communes/crop_area_ci95_ha", "validation_pixels_per_commune");
    EXPECT_EQ(std::accumulate(per_commune.begin(), per_commune.end(), 0.0),
              static_cast<double>(m.validation_pixels.size()));
    EXPECT_GT(m.validation_pixels.size(), m.map_validation_polygons.size());  // polygons of many pixels
    EXPECT_EQ(a.read<double>("/communes/crop_area_adjusted_ha"), b.read<double>("/communes/crop_area_adjusted_ha"));
    EXPECT_EQ(a.read<double>("/communes/crop_area_ci95_ha"), b.read<double>("/communes/crop_area_ci95_ha"));
  }
  {
    // Counting classes instead, the filtered map is the kernel applied to
    // the unfiltered map as a whole.
    Config by_class = cfg;
    by_class.classifier_majority_of = "classes";
    by_class.classifier_segment_tile = 0;
    by_class.out = (dir / "classes.h5").string();
    run_job(by_class);
    const auto cls_by_class = ResultReader(dir / "classes.h5").read<std::int32_t>("/maps/crop_class");
    Config off = cfg;
    off.out = (dir / "off.h5").string();
    off.classifier_majority_window = 0;
    off.classifier_segment_tile = 0;
    run_job(off);
    const ResultReader r(dir / "off.h5");
    const auto raw = r.read<std::int32_t>("/maps/crop_class");
    const auto dims = r.dims("/maps/crop_class");
    ASSERT_EQ(dims.size(), 2u);
    {
      // Another post-processing than train's: the areas are adjusted with
      // this run's own map at the validation pixels, not the forest's per
      // pixel classes — the matrix is the written map against the references.
      const CropModel m = load_crop_model(model);
      auto ds = open_raster((dir / "sim" / "truth" / "commune_index.tif").string());
      double gt[6];
      ds->GetGeoTransform(gt);
      const std::size_t C = m.classes.size();
      std::vector<std::int64_t> expected(C * C, 0);
      for (const auto& v : m.validation_pixels) {
        const auto col = static_cast<std::size_t>((v.x - gt[0]) / gt[1]);
        const auto row = static_cast<std::size_t>((v.y - gt[3]) / gt[5]);
        const int mapped = m.class_index(raw[row * dims[1] + col]);
        ASSERT_GE(mapped, 0);
        ++expected[static_cast<std::size_t>(mapped) * C +
                   static_cast<std::size_t>(m.validation_polygons[static_cast<std::size_t>(v.unit)].reference)];
      }
      EXPECT_EQ(r.read<std::int64_t>("/qa/crop_validation_confusion"), expected);
      EXPECT_NE(expected, std::vector<std::int64_t>(m.map_validation.n.begin(), m.map_validation.n.end()));
      EXPECT_EQ(r.attribute_string("/qa/crop_validation_confusion", "validation_of").rfind("this run's map", 0), 0u);
    }
    std::vector<std::uint8_t> raw8(raw.begin(), raw.end());
    const auto filtered = majority_filter(raw8, static_cast<int>(dims[1]), static_cast<int>(dims[0]),
                                          cfg.classifier_majority_window);
    EXPECT_NE(raw, cls);
    EXPECT_EQ(std::vector<std::int32_t>(filtered.begin(), filtered.end()), cls_by_class);
  }
  {
    // Field-level voting inside segments, both modes: 2 threads / 512 px
    // against 1 thread / 96 px without the regimes' segment tiles, so that
    // blocks are not rounded to the 64 px lattice and tiles straddle them
    // (classify_crops then classifies whole tiles).
    std::vector<std::int32_t> pooled_map;
    for (const std::string mode : {"pool", "vote"}) {
      Config big = cfg;
      big.classifier_segment_tile = 64;
      big.classifier_segment_mode = mode;
      big.out = (dir / ("seg_" + mode + "_a.h5")).string();
      Config small = big;
      small.threads = 1;
      small.block_size = 96;
      small.segment_tile = 0;
      small.out = (dir / ("seg_" + mode + "_b.h5")).string();
      run_job(big);
      run_job(small);
      const auto seg_map = ResultReader(big.out).read<std::int32_t>("/maps/crop_class");
      EXPECT_EQ(seg_map, ResultReader(small.out).read<std::int32_t>("/maps/crop_class")) << mode;
      if (mode == "pool") pooled_map = seg_map;
      else EXPECT_NE(seg_map, pooled_map);
    }
    Config no_seg = cfg;
    no_seg.classifier_segment_tile = 0;
    no_seg.out = (dir / "no_seg.h5").string();
    run_job(no_seg);
    EXPECT_NE(pooled_map, ResultReader(no_seg.out).read<std::int32_t>("/maps/crop_class"));
  }
  EXPECT_EQ(a.read<double>("/communes/crop_area_ha"), b.read<double>("/communes/crop_area_ha"));
  {
    // The areas are adjusted with the validation of the map as written: the
    // matrix in the result is the written map's confusion at the very
    // validation pixels of train, not the forest's per pixel…
    ASSERT_EQ(ts.map_post_processing, CropPostProcessing::from(cfg).describe());
    ASSERT_EQ(ts.validation_cells.size(), ts.validation_labels.size());
    std::map<int, int> row;
    for (std::size_t i = 0; i < ts.classes.size(); ++i) row[ts.classes[i].code] = static_cast<int>(i);
    ConfusionMatrix of_map(static_cast<int>(ts.classes.size()));
    for (std::size_t k = 0; k < ts.validation_cells.size(); ++k)
      if (row.count(cls[ts.validation_cells[k]]))
        ++of_map.at(row.at(cls[ts.validation_cells[k]]), row.at(ts.validation_labels[k]));
    const auto written = a.read<std::int64_t>("/qa/crop_validation_confusion");
    EXPECT_EQ(written, of_map.n);
    EXPECT_EQ(written, ts.map_validation.n);
    EXPECT_NE(ts.map_validation.n, ts.validation.n);  // the filter does change validation pixels
    EXPECT_EQ(a.read<std::int64_t>("/qa/crop_validation_confusion_per_pixel"), ts.validation.n);
    EXPECT_NE(a.attribute_string("/qa/crop_area_province", "validation_of").find("this run's map as written"),
              std::string::npos);
    // The model and the samples it learnt from are pinned by their hashes.
    EXPECT_EQ(a.attribute_string("/provenance/assets", "model_sha256"), sha256_file(model));
    EXPECT_EQ(a.attribute_string("/qa/crop_validation_confusion", "model_samples_sha256"),
              sha256_file((dir / "sim" / "reference.geojson").string()));
    // …and a run whose post-processing differs from train's validates its
    // own map there: unfiltered, that is the forest per pixel.
    const ResultReader off(dir / "off.h5");
    EXPECT_EQ(off.read<std::int64_t>("/qa/crop_validation_confusion"), ts.validation.n);
    EXPECT_NE(off.attribute_string("/communes/crop_area_adjusted_ha", "validation_of").find("majority_window=off"),
              std::string::npos);
  }

  {
    // The field context of the radar features (on by default: a second
    // forest, votes summed with the pixel forest's) is the model's: train
    // stores it, and a run applies the model's whatever its config says. The
    // pixel forest alone gives another map, also independent of block size
    // and threads. (The committee's maps are checked above: threads and
    // blocks, and its unfiltered map at the validation pixels is train's
    // validation, so train and run feed it the same rows.)
    ASSERT_GT(cfg.classifier_context_radius, 0);
    const CropModel committee = load_crop_model(model);
    EXPECT_EQ(committee.context_radius, cfg.classifier_context_radius);
    EXPECT_DOUBLE_EQ(committee.context_bandwidth, cfg.classifier_context_bandwidth);
    ASSERT_TRUE(committee.context_forest);
    EXPECT_EQ(committee.flat_forest.trees(), 2 * cfg.classifier_trees);
    EXPECT_EQ(committee.flat_forest.features(), committee.layout.context_row_width());
    {  // Train fits the two forests in parallel (on 2 threads here; whether
       // the fits overlap is up to the scheduler): one thread gives the same
       // model file, save the creation time.
      Config serial = cfg;
      serial.threads = 1;
      serial.model = (dir / "serial.yml").string();
      TrainOptions so;
      so.model_path = serial.model;
      so.report_path = (dir / "serial.json").string();
      const TrainSummary ss = train_job(serial, so);
      EXPECT_EQ(ss.validation.n, ts.validation.n);
      EXPECT_EQ(ss.map_validation.n, ts.map_validation.n);
      auto without_time = [](const std::string& file) {
        std::ifstream in(file);
        std::string line, out;
        while (std::getline(in, line))
          if (line.find("created_utc") == std::string::npos) out += line + "\n";
        return out;
      };
      const std::string serial_text = without_time(serial.model);
      EXPECT_NE(serial_text.find("context_forest:"), std::string::npos);
      EXPECT_EQ(serial_text, without_time(model));
    }
    Config pixel = cfg;
    pixel.classifier_context_radius = 0;
    pixel.model = (dir / "pixel.yml").string();
    pixel.out = (dir / "pixel_a.h5").string();
    TrainOptions po;
    po.model_path = pixel.model;
    po.report_path = (dir / "pixel.json").string();
    const TrainSummary ps = train_job(pixel, po);
    const CropModel trained = load_crop_model(pixel.model);
    EXPECT_EQ(trained.context_radius, 0);
    EXPECT_FALSE(trained.context_forest);
    EXPECT_EQ(trained.flat_forest.trees(), cfg.classifier_trees);
    run_job(pixel);
    Config small = pixel;
    small.classifier_context_radius = 4;  // not the config's: the model's
    small.threads = 1;
    small.block_size = 96;
    small.out = (dir / "pixel_b.h5").string();
    run_job(small);
    const auto pixel_map = ResultReader(pixel.out).read<std::int32_t>("/maps/crop_class");
    EXPECT_EQ(ResultReader(small.out).read<std::int32_t>("/maps/crop_class"), pixel_map);
    EXPECT_NE(pixel_map, cls);
    // Train validated the map it makes.
    EXPECT_EQ(ResultReader(pixel.out).read<std::int64_t>("/qa/crop_validation_confusion"), ps.map_validation.n);
    // Reports and metadata say which forests the model holds.
    EXPECT_EQ(ts.radar_context, "radius=4 bandwidth=0.1");
    EXPECT_EQ(committee.metadata.at("radar_context"), ts.radar_context);
    EXPECT_NE(format_train_report(ts).find("two, votes summed"), std::string::npos);
    EXPECT_EQ(ps.radar_context, "off");
    EXPECT_NE(format_train_report(ps).find("one, per pixel"), std::string::npos);
  }
  {
    // The model pins the settings its features were computed with, and a
    // run that would compute them otherwise refuses it before any work.
    EXPECT_EQ(load_crop_model(model).metadata.at("feature_settings"), CropFeatureSettings::from(cfg).describe());
    Config other = cfg;
    other.speckle_window = cfg.speckle_window + 2;
    other.out = (dir / "other_speckle.h5").string();
    try {
      run_job(other);
      ADD_FAILURE() << "a model trained with another speckle window was applied";
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(model), std::string::npos) << what;
      EXPECT_NE(what.find("speckle_window=" + std::to_string(other.speckle_window)), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(other.out));
  }

  auto ds = open_raster((dir / "sim" / "truth" / "crop_class.tif").string());
  const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  std::vector<std::int32_t> truth(static_cast<std::size_t>(w) * h);
  ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, truth.data(), w, h, GDT_Int32, 0, 0, nullptr), CE_None);
  ASSERT_EQ(truth.size(), cls.size());
  std::size_t agree = 0, total = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] <= 0) continue;
    ++total;
    agree += cls[i] == truth[i];
  }
  ASSERT_GT(total, 0u);
  EXPECT_GT(static_cast<double>(agree) / static_cast<double>(total), 0.75);
  // Rice area = class-1 area; Olofsson intervals are finite and non-negative.
  const auto crop = a.read<double>("/communes/crop_area_ha");
  const auto rice = a.read<double>("/communes/rice_area_ha");
  const auto ci = a.read<double>("/communes/crop_area_ci95_ha");
  const std::size_t C = crop.size() / rice.size();
  for (std::size_t i = 0; i < rice.size(); ++i) EXPECT_NEAR(rice[i], crop[i * C + 0], 1e-9);
  for (double x : ci) EXPECT_TRUE(std::isfinite(x) && x >= 0);
  // The province table gives the interval's ends; an area is never negative.
  std::vector<std::string> header;
  const auto table = a.read_string_table("/qa/crop_area_province", &header);
  const auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << name;
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_adj = col("adjusted_ha"), c_ci = col("ci95_ha"), c_lo = col("ci95_low_ha"),
                    c_hi = col("ci95_high_ha");
  ASSERT_FALSE(table.empty());
  for (const auto& row : table) {
    const double adj = std::stod(row.at(c_adj)), half = std::stod(row.at(c_ci));
    EXPECT_NEAR(std::stod(row.at(c_lo)), std::max(0.0, adj - half), 1e-3 * (1 + adj));
    EXPECT_NEAR(std::stod(row.at(c_hi)), adj + half, 1e-3 * (1 + adj));
  }
}

// Reference samples may be points (DESIGN §3): each point is one reference
// pixel and its own sampling unit — the shape of a probability validation
// sample, which whole reference polygons are not. Here the validation
// polygons are replaced by one point inside each.
TEST(CropIntegration, ValidationPointsAreOnePixelSamplingUnitsEach) {
  const auto dir = test::fresh_dir("crop_points");
  auto p = sim::preset("demo");
  sim::set_param(p, "width", "200");
  sim::set_param(p, "height", "150");
  sim::set_param(p, "seed", "77");
  sim::simulate(p, dir / "sim");
  auto doc = nlohmann::json::parse(std::ifstream(dir / "sim" / "reference.geojson"));
  std::size_t points = 0;
  for (auto& f : doc["features"]) {
    if (f["properties"]["split"] != "validation") continue;
    OGRGeometry* g = OGRGeometryFactory::createFromGeoJson(f["geometry"].dump().c_str());
    ASSERT_TRUE(g);
    OGRGeometryH inside = OGR_G_PointOnSurface(OGRGeometry::ToHandle(g));
    OGRGeometryFactory::destroyGeometry(g);
    ASSERT_TRUE(inside);
    f["geometry"] = {{"type", "Point"}, {"coordinates", {OGR_G_GetX(inside, 0), OGR_G_GetY(inside, 0)}}};
    OGR_G_DestroyGeometry(inside);
    ++points;
  }
  ASSERT_GT(points, 20u);
  std::ofstream(dir / "mixed.geojson") << doc.dump();
  const std::string model = (dir / "model.yml").string();
  const Config cfg = load_config((dir / "sim" / "paddymrv.toml").string(),
                                 {{"samples", (dir / "mixed.geojson").string()}, {"model", model}, {"trees", "30"}});
  TrainOptions to;
  to.model_path = model;
  const TrainSummary ts = train_job(cfg, to);
  EXPECT_EQ(ts.validation_polygons, points);  // every point on the grid, one unit each
  EXPECT_EQ(ts.validation_pixels, points);    // one pixel each
  EXPECT_GT(ts.train_polygons, 50u);          // the training polygons stay polygons
  EXPECT_GT(ts.train_pixels, 10 * ts.train_polygons);
  EXPECT_GT(ts.map_accuracy.overall, 0.7);
  const CropModel m = load_crop_model(model);
  ASSERT_EQ(m.map_validation_polygons.size(), points);
  for (const auto& unit : m.map_validation_polygons)
    EXPECT_EQ(std::accumulate(unit.mapped.begin(), unit.mapped.end(), std::int64_t{0}), 1);
  {
    // The result says its intervals rest on points, which a random draw
    // makes the probability sample the estimator assumes.
    Config run_cfg = cfg;
    run_cfg.out = (dir / "points.h5").string();
    run_job(run_cfg);
    const ResultReader r(run_cfg.out);
    const std::string method = r.attribute_string("/qa/crop_area_province", "method");
    EXPECT_NE(method.find("validation points"), std::string::npos) << method;
    EXPECT_NE(method.find("probability sample the estimator assumes"), std::string::npos) << method;
    // Each commune is corrected with the points inside it: the run places
    // every point in the commune the simulator's truth puts its pixel in.
    const std::string commune_method = r.attribute_string("/communes/crop_area_adjusted_ha", "method");
    EXPECT_NE(commune_method.find("difference estimator per commune"), std::string::npos) << commune_method;
    const auto per_commune = r.attribute_doubles("/communes/crop_area_ci95_ha", "validation_pixels_per_commune");
    int w = 0, h = 0;
    std::vector<std::int32_t> commune_index;
    {
      auto ds = open_raster((dir / "sim" / "truth" / "commune_index.tif").string());
      w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
      double gt[6];
      ds->GetGeoTransform(gt);
      commune_index.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
      ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, commune_index.data(), w, h, GDT_Int32, 0, 0,
                                               nullptr),
                CE_None);
      std::vector<double> expected(per_commune.size(), 0.0);
      for (const auto& v : m.validation_pixels) {
        const auto col = static_cast<std::size_t>((v.x - gt[0]) / gt[1]);
        const auto row = static_cast<std::size_t>((v.y - gt[3]) / gt[5]);
        const int c = commune_index[row * static_cast<std::size_t>(w) + col];
        ASSERT_GE(c, 0);
        ASSERT_LT(static_cast<std::size_t>(c), expected.size());
        ++expected[static_cast<std::size_t>(c)];
      }
      EXPECT_EQ(per_commune, expected);
      EXPECT_EQ(std::accumulate(per_commune.begin(), per_commune.end(), 0.0), static_cast<double>(points));
    }
    {
      // Coordinates in another CRS than the run's grid are not placed: the
      // areas then fall back to the model's validation.
      auto ds = open_raster((dir / "sim" / "truth" / "commune_index.tif").string());
      double gt[6];
      ds->GetGeoTransform(gt);
      AnalysisGrid grid;
      grid.crs_wkt = ds->GetProjectionRef();
      grid.origin_x = gt[0], grid.origin_y = gt[3], grid.resolution = gt[1];
      grid.width = ds->GetRasterXSize(), grid.height = ds->GetRasterYSize();
      const auto cells = validation_pixel_cells(m, grid);
      ASSERT_EQ(cells.size(), m.validation_pixels.size());
      for (std::size_t i = 0; i < cells.size(); ++i) {
        ASSERT_GE(cells[i], 0);
        EXPECT_NEAR(grid.origin_x + (static_cast<double>(cells[i] % grid.width) + 0.5) * grid.resolution,
                    m.validation_pixels[i].x, 1e-6);
        EXPECT_NEAR(grid.origin_y - (static_cast<double>(cells[i] / grid.width) + 0.5) * grid.resolution,
                    m.validation_pixels[i].y, 1e-6);
      }
      CropModel elsewhere = m;
      OGRSpatialReference wgs84;
      ASSERT_TRUE(parse_crs("EPSG:4326", wgs84));
      char* wkt = nullptr;
      wgs84.exportToWkt(&wkt);
      elsewhere.validation_crs_wkt = wkt;
      CPLFree(wkt);
      std::string why;
      EXPECT_TRUE(validation_pixel_cells(elsewhere, grid, &why).empty());
      EXPECT_NE(why.find("another CRS"), std::string::npos) << why;
      EXPECT_FALSE(ValidationOnRun(elsewhere, grid, cfg.season_start, cfg.season_end).complete());
      // Neither on another pixel lattice (half a pixel off, or coarser)…
      AnalysisGrid shifted = grid;
      shifted.origin_x += grid.resolution / 2;
      EXPECT_TRUE(validation_pixel_cells(m, shifted, &why).empty());
      EXPECT_NE(why.find("lattice"), std::string::npos) << why;
      AnalysisGrid coarse = grid;
      coarse.resolution *= 2;
      EXPECT_TRUE(validation_pixel_cells(m, coarse).empty());
      // …nor for another season: the references describe train's.
      const ValidationOnRun other_season(m, grid, "2025-02-01", cfg.season_end);
      EXPECT_FALSE(other_season.complete());
      EXPECT_NE(other_season.why_not.find("another season"), std::string::npos) << other_season.why_not;
      // Blocks in any order, each once: every pixel gets its own cell's
      // commune and class from the window that holds it.
      ValidationOnRun on_run(m, grid, cfg.season_start, cfg.season_end);
      ASSERT_EQ(on_run.used(), m.validation_pixels.size());
      const int half = grid.width / 2;
      auto take = [&](const PixelWindow& win) {
        std::vector<std::int32_t> commune(win.pixels());
        std::vector<std::uint8_t> cls(win.pixels());
        for (int y = 0; y < win.height; ++y)
          for (int x = 0; x < win.width; ++x) {
            const auto k = static_cast<std::size_t>(y) * static_cast<std::size_t>(win.width) +
                           static_cast<std::size_t>(x);
            commune[k] = (win.x0 + x + y) % 3;
            cls[k] = static_cast<std::uint8_t>(m.classes[static_cast<std::size_t>(win.x0 + x) % m.classes.size()].code);
          }
        on_run.take(win, commune, cls, m);
      };
      take({half, 0, grid.width - half, grid.height});
      EXPECT_FALSE(on_run.complete());  // the left half's pixels are still unknown
      take({0, 0, half, grid.height});
      ASSERT_TRUE(on_run.complete());
      for (std::size_t i = 0; i < on_run.cell.size(); ++i) {
        const auto x = static_cast<int>(on_run.cell[i] % grid.width);
        const auto y = static_cast<int>(on_run.cell[i] / grid.width);
        EXPECT_EQ(on_run.commune[i], (x + y) % 3);
        EXPECT_EQ(on_run.mapped[i], x % static_cast<int>(m.classes.size()));
      }
    }
    {
      // A model from before the pixels' locations: the communes get the
      // province's errors (synthetic estimator), and the result says so.
      std::ifstream in(model);
      std::stringstream text;
      text << in.rdbuf();
      std::string yml = text.str();
      for (const char* key : {"validation_pixel_xy:", "validation_pixel_unit_classes:", "validation_pixel_crs:"}) {
        const auto at = yml.find(key);
        ASSERT_NE(at, std::string::npos) << key;
        auto end = yml.find('\n', at);
        while (end + 1 < yml.size() && yml[end + 1] == ' ') end = yml.find('\n', end + 1);  // continued lines
        yml.erase(at, end - at + 1);
      }
      const auto old_model = (dir / "old_model.yml").string();
      std::ofstream(old_model) << yml;
      ASSERT_TRUE(load_crop_model(old_model).validation_pixels.empty());
      Config old_cfg = run_cfg;
      old_cfg.model = old_model;
      old_cfg.out = (dir / "old.h5").string();
      run_job(old_cfg);
      const ResultReader o(old_cfg.out);
      EXPECT_NE(o.attribute_string("/communes/crop_area_adjusted_ha", "method").find("synthetic estimator"),
                std::string::npos);
      EXPECT_FALSE(o.has_attribute("/communes/crop_area_ci95_ha", "validation_pixels_per_commune"));
      // The province table is the same estimate either way (same map, same pixels).
      EXPECT_EQ(o.read_string_table("/qa/crop_area_province"), r.read_string_table("/qa/crop_area_province"));
    }
    {
      // The methane interval carries each commune's own rice-area error.
      const auto rel = r.attribute_doubles("/communes/ch4_reduction_ci95_t", "rice_area_rel_sd_per_commune");
      const auto adj = r.read<double>("/communes/crop_area_adjusted_ha");
      const auto half = r.read<double>("/communes/crop_area_ci95_ha");
      const auto mapped_ha = r.read<double>("/communes/crop_area_ha");
      const std::size_t C = cfg.classes.size(), rice = static_cast<std::size_t>(m.class_index(1));
      ASSERT_EQ(rel.size(), per_commune.size());
      for (std::size_t i = 0; i < rel.size(); ++i) {
        EXPECT_NEAR(rel[i], half[i * C + rice] / 1.959964 / std::max(adj[i * C + rice], mapped_ha[i * C + rice]),
                    1e-12);
        EXPECT_GT(rel[i], 0.0);
      }
    }
    {
      // The GeoPackage export carries each class's areas and interval.
      export_result(run_cfg.out, dir / "export");
      auto gpkg = open_vector((dir / "export" / "communes.gpkg").string());
      OGRLayer* layer = gpkg->GetLayer(0);
      const auto adj = r.read<double>("/communes/crop_area_adjusted_ha");
      const auto half = r.read<double>("/communes/crop_area_ci95_ha");
      const auto mapped_ha = r.read<double>("/communes/crop_area_ha");
      const std::size_t C = cfg.classes.size(), rice = static_cast<std::size_t>(m.class_index(1));
      std::size_t i = 0;
      for (auto& f : *layer) {
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("crop_rice_ha"), mapped_ha[i * C + rice]);
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("crop_rice_adjusted_ha"), adj[i * C + rice]);
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("crop_rice_ci95_low_ha"),
                         std::max(0.0, adj[i * C + rice] - half[i * C + rice]));
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("crop_rice_ci95_high_ha"), adj[i * C + rice] + half[i * C + rice]);
        ++i;
      }
      EXPECT_EQ(i, per_commune.size());
      EXPECT_GE(layer->GetLayerDefn()->GetFieldIndex("crop_water_ci95_high_ha"), 0);
    }
    // Summed over the communes, the areas are the province's estimate.
    const auto adjusted = r.read<double>("/communes/crop_area_adjusted_ha");
    const std::size_t C = cfg.classes.size();
    for (const auto& row : r.read_string_table("/qa/crop_area_province")) {
      const int code = std::stoi(row.at(0));
      for (std::size_t c = 0; c < C; ++c) {
        if (cfg.classes[c].code != code) continue;
        double sum = 0;
        for (std::size_t i = 0; i < per_commune.size(); ++i) sum += adjusted[i * C + c];
        EXPECT_NEAR(sum, std::stod(row.at(3)), 1e-5 * std::max(1.0, std::abs(sum))) << cfg.classes[c].name;
      }
    }
  }
  // Communes and claims stay polygons only.
  OGRSpatialReference utm;
  ASSERT_TRUE(parse_crs("EPSG:32648", utm));
  nlohmann::json only_points = doc;
  only_points["features"] = nlohmann::json::array();
  for (const auto& f : doc["features"])
    if (f["geometry"]["type"] == "Point") only_points["features"].push_back(f);
  std::ofstream(dir / "points.geojson") << only_points.dump();
  EXPECT_THROW(PolygonLayer((dir / "points.geojson").string(), "class", "split", utm), InputError);
  EXPECT_EQ(PolygonLayer((dir / "points.geojson").string(), "class", "split", utm, "", true).size(), points);
}
