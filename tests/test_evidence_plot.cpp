// The claims' evidence pictures (palette PNG, shades, clear-sky NDVI/LSWI
// points), the optical field accumulator behind them, and /claims/optical
// in a result.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>

#include "kernels/optical_field_series.hpp"
#include "kernels/s2_indices.hpp"
#include "pipeline/dates.hpp"
#include "pipeline/evidence_plot.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/run_job.hpp"
#include "pipeline/simulator.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using namespace paddymrv;
using evidence::Ink;

namespace {

// A season of 120 days: flooded from day 10 to day 100, one dry period
// observed on days 40–46 (flooded on 34, re-flooded on 52), harvested at 110.
EvidenceInput sample_input() {
  EvidenceInput in;
  in.claim_id = "T-1";
  in.practice = "AWD";
  in.verdict = "verified";
  in.reason = "2 drainage events \xe2\x80\x94 multiple drainage";
  in.season_start = *parse_iso_date("2026-02-01");
  in.season_days = 120;
  for (int d = 4; d < 120; d += 6) {
    in.days.push_back(d);
    in.vv.push_back(0.05f);  // −13 dB
    in.vh.push_back(0.01f);  // −20 dB
  }
  auto& c = in.cycle;
  c.onset_day = 10;
  c.end_flooding_day = 100;
  c.harvest_day = 110;
  kernels::DrainageEvent e;
  e.last_flooded_day = 34;
  e.first_dry_day = 40;
  e.last_dry_day = 46;
  e.first_reflooded_day = 52;
  c.events.push_back(e);
  return in;
}

cv::Mat decode(const std::vector<std::uint8_t>& png) {
  return cv::imdecode(cv::Mat(1, static_cast<int>(png.size()), CV_8U, const_cast<std::uint8_t*>(png.data())),
                      cv::IMREAD_COLOR);
}

bool has_colour(const cv::Mat& bgr, cv::Point p, Ink ink) {
  const auto c = evidence::rgb(ink);
  const auto v = bgr.at<cv::Vec3b>(p);
  return v[0] == c[2] && v[1] == c[1] && v[2] == c[0];
}

std::size_t count_colour(const cv::Mat& bgr, Ink ink) {
  std::size_t n = 0;
  for (int y = 0; y < bgr.rows; ++y)
    for (int x = 0; x < bgr.cols; ++x) n += has_colour(bgr, {x, y}, ink);
  return n;
}

// The plot area (inside the frame), where no legend symbol lies.
cv::Mat plot_area(const cv::Mat& bgr) {
  const int top = evidence::y_of_db(evidence::kDbMax) + 1, bottom = evidence::y_of_db(evidence::kDbMin);
  const int left = evidence::x_of_day(100, 0) + 1, right = evidence::x_of_day(100, 100);
  return bgr(cv::Rect(left, top, right - left, bottom - top));
}

}  // namespace

TEST(EvidencePicture, IsAPaletteImageOfTheExpectedSize) {
  const auto png = claim_evidence_png(sample_input());
  ASSERT_GT(png.size(), 33u);
  const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_TRUE(std::equal(signature, signature + 8, png.begin()));
  EXPECT_EQ(std::string(png.begin() + 12, png.begin() + 16), "IHDR");
  EXPECT_EQ(png[25], 3) << "colour type 3 = indexed colour";
  EXPECT_LT(png.size(), 25u * 1024) << "a flat palette picture deflates to a few kB";
  const cv::Mat img = decode(png);
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.cols, evidence::kWidth);
  EXPECT_EQ(img.rows, evidence::kHeight);
}

TEST(EvidencePicture, PeriodsAreShadedInTheirColours) {
  const EvidenceInput in = sample_input();
  const cv::Mat img = decode(claim_evidence_png(in));
  ASSERT_FALSE(img.empty());
  // Between the −10 and −5 dB grid lines nothing but the shade is drawn
  // (the series run at −13 and −20 dB).
  const int y = evidence::y_of_db(-7.5);
  EXPECT_TRUE(has_colour(img, {evidence::x_of_day(in.season_days, 20), y}, Ink::flooded));
  EXPECT_TRUE(has_colour(img, {evidence::x_of_day(in.season_days, 80), y}, Ink::flooded));
  EXPECT_TRUE(has_colour(img, {evidence::x_of_day(in.season_days, 43), y}, Ink::dry));
  EXPECT_TRUE(has_colour(img, {evidence::x_of_day(in.season_days, 36), y}, Ink::maybe_dry));
  EXPECT_TRUE(has_colour(img, {evidence::x_of_day(in.season_days, 115), y}, Ink::harvested));
  EXPECT_TRUE(has_colour(img, {evidence::x_of_day(in.season_days, 5), y}, Ink::paper));
  // The series are drawn in their own colours at their levels.
  EXPECT_TRUE(has_colour(img, {evidence::x_of_day(in.season_days, 22), evidence::y_of_db(-13)}, Ink::vv));
  EXPECT_TRUE(has_colour(img, {evidence::x_of_day(in.season_days, 22), evidence::y_of_db(-20)}, Ink::vh));
}

TEST(EvidencePicture, ClearSkyPointsAreDrawnOnTheIndexAxis) {
  EvidenceInput in = sample_input();
  // Without a clear view: no marker, not even in the legend (it says
  // "no clear Sentinel-2 view" instead).
  const cv::Mat without = decode(claim_evidence_png(in));
  EXPECT_EQ(count_colour(without, Ink::ndvi), 0u);
  EXPECT_EQ(count_colour(without, Ink::lswi), 0u);

  in.optical = {{25, 0.15f, 0.45f, 1.0}, {70, 0.8f, 0.3f, 0.6}};
  const cv::Mat with = decode(claim_evidence_png(in));
  for (const auto& p : in.optical) {
    const int x = evidence::x_of_day(in.season_days, p.day);
    EXPECT_TRUE(has_colour(with, {x, evidence::y_of_index(p.ndvi)}, Ink::ndvi)) << p.day;
    EXPECT_TRUE(has_colour(with, {x, evidence::y_of_index(p.lswi)}, Ink::lswi)) << p.day;
  }
  // Two points each, plus one legend symbol each (7×7 squares; triangles).
  EXPECT_GE(count_colour(with, Ink::ndvi), 3u * 49u - 10u);
  EXPECT_GT(count_colour(with, Ink::lswi), 3u * 20u);
  EXPECT_GE(count_colour(plot_area(with), Ink::ndvi), 2u * 49u - 10u);
}

TEST(EvidencePicture, FieldWithoutUsableDatesStillRenders) {
  EvidenceInput in = sample_input();
  std::fill(in.vv.begin(), in.vv.end(), std::numeric_limits<float>::quiet_NaN());
  std::fill(in.vh.begin(), in.vh.end(), std::numeric_limits<float>::quiet_NaN());
  in.cycle = {};
  in.reason = "the field lies outside the analysis grid";
  const cv::Mat img = decode(claim_evidence_png(in));
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.cols, evidence::kWidth);
  const cv::Mat plot = plot_area(img);
  for (Ink ink : {Ink::flooded, Ink::dry, Ink::maybe_dry, Ink::harvested, Ink::vv, Ink::vh, Ink::ndvi})
    EXPECT_EQ(count_colour(plot, ink), 0u) << static_cast<int>(ink);
  EXPECT_GT(count_colour(img, Ink::flooded), 0u);  // the legend's swatch
  // An empty season (no radar date at all) renders too.
  in.days.clear(), in.vv.clear(), in.vh.clear();
  in.season_days = 0;
  EXPECT_FALSE(decode(claim_evidence_png(in)).empty());
}

// --- the accumulator

namespace {

struct Window {
  std::vector<std::int32_t> field;
  std::vector<std::uint8_t> scl;
  std::vector<std::uint16_t> red, nir, swir;
};

void add(kernels::OpticalFieldAccumulator& acc, std::size_t d, const Window& w, std::size_t from, std::size_t to) {
  auto sub = [&](const auto& v) { return std::span(v).subspan(from, to - from); };
  acc.add_date(d, sub(w.field), sub(w.scl), kernels::default_scl_mask(), {sub(w.red), 1e-4, -0.1},
               {sub(w.nir), 1e-4, -0.1}, {sub(w.swir), 1e-4, -0.1});
}

}  // namespace

TEST(OpticalFieldAccumulator, FieldMeansOverClearPixels) {
  // Two fields of 3 pixels each and one pixel outside any field, on one date.
  // Field 0: 2 clear pixels (SCL 4, 5), 1 under cloud (SCL 9).
  // Field 1: 1 clear pixel, 1 cloud shadow (3), 1 clear but with NIR nodata.
  Window w;
  w.field = {0, 0, 0, 1, 1, 1, -1};
  w.scl = {4, 5, 9, 6, 3, 4, 4};
  w.red = {1500, 1800, 9000, 1200, 1500, 1500, 1500};
  w.nir = {4000, 3600, 9000, 1300, 4000, 0, 4000};
  w.swir = {2500, 2200, 9000, 1100, 2500, 2500, 2500};
  kernels::OpticalFieldAccumulator acc(2);
  acc.add_pixels(w.field);
  add(acc, 1, w, 0, w.field.size());

  auto nd = [](std::uint16_t a, std::uint16_t b) -> double {
    return kernels::normalized_difference(kernels::reflectance(a, 1e-4, -0.1), kernels::reflectance(b, 1e-4, -0.1));
  };
  const auto f0 = acc.series(0);
  EXPECT_EQ(f0.pixels, 3);
  EXPECT_EQ(f0.clear_pixels, (std::vector<std::int64_t>{0, 2}));
  EXPECT_TRUE(std::isnan(f0.ndvi[0]) && std::isnan(f0.lswi[0]));
  EXPECT_NEAR(f0.ndvi[1], (nd(4000, 1500) + nd(3600, 1800)) / 2.0, 1e-9);  // (0.3−0.05)/0.35, (0.26−0.08)/0.34
  EXPECT_NEAR(f0.lswi[1], (nd(4000, 2500) + nd(3600, 2200)) / 2.0, 1e-9);
  EXPECT_NEAR(f0.ndvi[1], (0.25 / 0.35 + 0.18 / 0.34) / 2, 1e-6);
  EXPECT_DOUBLE_EQ(f0.clear_fraction(1), 2.0 / 3.0);

  const auto f1 = acc.series(1);
  EXPECT_EQ(f1.pixels, 3);
  EXPECT_EQ(f1.clear_pixels[1], 1);
  EXPECT_NEAR(f1.ndvi[1], nd(1300, 1200), 1e-9);
  EXPECT_NEAR(f1.lswi[1], nd(1300, 1100), 1e-9);
  EXPECT_DOUBLE_EQ(f1.clear_fraction(1), 1.0 / 3.0);

  const auto none = acc.series(7);  // a field with no pixel in any block
  EXPECT_EQ(none.pixels, 0);
  EXPECT_TRUE(std::isnan(none.ndvi[1]));
  EXPECT_EQ(none.clear_fraction(1), 0.0);
}

TEST(OpticalFieldAccumulator, IndicesOfNoisyDarkPixelsStayInRange) {
  // Water after the −0.1 offset: NIR slightly negative, red and SWIR
  // positive, so the plain ratios would be −2 and −3.
  Window w;
  w.field = {0};
  w.scl = {6};
  w.red = {1300};
  w.nir = {900};
  w.swir = {1200};
  kernels::OpticalFieldAccumulator acc(1);
  acc.add_pixels(w.field);
  add(acc, 0, w, 0, 1);
  const auto s = acc.series(0);
  EXPECT_EQ(s.clear_pixels[0], 1);
  EXPECT_DOUBLE_EQ(s.ndvi[0], -1.0);
  EXPECT_DOUBLE_EQ(s.lswi[0], -1.0);
}

TEST(OpticalFieldAccumulator, SplitAndMergeOrderDoNotChangeTheMeans) {
  std::mt19937 rng(3);
  const std::size_t n = 5000, dates = 4;
  std::uniform_int_distribution<int> field(-1, 30), scl(0, 11), dn(1, 6000);
  std::vector<Window> w(dates);
  for (auto& win : w) {
    for (std::size_t i = 0; i < n; ++i) {
      win.field.push_back(field(rng));
      win.scl.push_back(static_cast<std::uint8_t>(scl(rng)));
      win.red.push_back(static_cast<std::uint16_t>(dn(rng)));
      win.nir.push_back(static_cast<std::uint16_t>(dn(rng)));
      win.swir.push_back(static_cast<std::uint16_t>(dn(rng)));
    }
    win.field = w[0].field;  // the fields do not move between dates
  }
  kernels::OpticalFieldAccumulator whole(dates), a(dates), b(dates);
  whole.add_pixels(w[0].field);
  a.add_pixels(std::span(w[0].field).first(1234));
  b.add_pixels(std::span(w[0].field).subspan(1234));
  for (std::size_t d = 0; d < dates; ++d) {
    add(whole, d, w[d], 0, n);
    add(a, d, w[d], 0, 1234);
    add(b, d, w[d], 1234, n);
  }
  kernels::OpticalFieldAccumulator ab(dates), ba(dates);
  ab.merge(a), ab.merge(b);
  ba.merge(b), ba.merge(a);
  for (std::int32_t f = 0; f <= 30; ++f) {
    const auto s = whole.series(f), x = ab.series(f), y = ba.series(f);
    ASSERT_GT(s.pixels, 0);
    EXPECT_EQ(s.pixels, x.pixels);
    EXPECT_EQ(s.clear_pixels, x.clear_pixels);
    EXPECT_EQ(s.clear_pixels, y.clear_pixels);
    for (std::size_t d = 0; d < dates; ++d) {
      // Bit for bit (NaN only where no clear pixel, in all three).
      EXPECT_EQ(std::isnan(s.ndvi[d]), std::isnan(x.ndvi[d]));
      if (std::isnan(s.ndvi[d])) continue;
      EXPECT_EQ(s.ndvi[d], x.ndvi[d]);
      EXPECT_EQ(s.ndvi[d], y.ndvi[d]);
      EXPECT_EQ(s.lswi[d], x.lswi[d]);
      EXPECT_EQ(s.lswi[d], y.lswi[d]);
    }
  }
  EXPECT_THROW(ab.merge(kernels::OpticalFieldAccumulator(dates + 1)), std::invalid_argument);
}

// --- in a result

namespace {

// A small season with many claims, simulated once for this file.
const fs::path& season_dir() {
  static const fs::path dir = [] {
    const auto d = test::fresh_dir("evidence_season");
    auto p = sim::preset("demo");
    sim::set_param(p, "width", "160");
    sim::set_param(p, "height", "120");
    sim::set_param(p, "seed", "11");
    sim::set_param(p, "zone_max_px", "50");
    sim::set_param(p, "claim_fraction", "0.8");
    sim::set_param(p, "cf_claim_fraction", "0.3");
    sim::simulate(p, d);
    return d;
  }();
  return dir;
}

Config season_config(const fs::path& out, std::map<std::string, std::string> overrides = {}) {
  overrides["out"] = out.string();
  return load_config((season_dir() / "paddymrv.toml").string(), overrides);
}

}  // namespace

TEST(ClaimsOptical, ResultHoldsEveryClaimsClearSkyIndices) {
  const auto dir = test::fresh_dir("evidence_result");
  run_job(season_config(dir / "one.h5", {{"threads", "1"}, {"block-size", "512"}}));
  const ResultReader r(dir / "one.h5");
  const auto ids = r.read_strings("/claims/claim_id");
  ASSERT_GT(ids.size(), 5u);
  const auto dates = r.read_strings("/claims/optical/date");
  const auto scenes = r.read_strings("/claims/optical/scene_id");
  ASSERT_GT(dates.size(), 5u);
  ASSERT_EQ(scenes.size(), dates.size());
  const std::size_t m = ids.size(), t = dates.size();
  EXPECT_EQ(r.dims("/claims/optical/ndvi"), (std::vector<hsize_t>{m, t}));
  EXPECT_EQ(r.dims("/claims/optical/lswi"), (std::vector<hsize_t>{m, t}));
  EXPECT_EQ(r.dims("/claims/optical/clear_fraction"), (std::vector<hsize_t>{m, t}));
  const auto ndvi = r.read<double>("/claims/optical/ndvi");
  const auto lswi = r.read<double>("/claims/optical/lswi");
  const auto clear = r.read<double>("/claims/optical/clear_fraction");
  const auto seen = r.read<std::int32_t>("/claims/optical/clear_dates");
  std::size_t points = 0, fields_seen = 0;
  for (std::size_t c = 0; c < m; ++c) {
    int n = 0;
    for (std::size_t k = 0; k < t; ++k) {
      const std::size_t i = c * t + k;
      EXPECT_GE(clear[i], 0.0);
      EXPECT_LE(clear[i], 1.0);
      EXPECT_EQ(std::isnan(ndvi[i]), std::isnan(lswi[i]));
      if (std::isnan(ndvi[i])) {
        EXPECT_LT(clear[i], 0.5) << ids[c] << " " << dates[k];
        continue;
      }
      ++n;
      EXPECT_GE(clear[i], 0.5);
      EXPECT_GE(ndvi[i], -1.0);
      EXPECT_LE(ndvi[i], 1.0);
      EXPECT_GE(lswi[i], -1.0);
      EXPECT_LE(lswi[i], 1.0);
    }
    EXPECT_EQ(seen[c], n) << ids[c];
    points += static_cast<std::size_t>(n);
    fields_seen += n > 0;
  }
  EXPECT_GT(fields_seen, m / 2) << "most fields have a clear view in a season of 5-day revisits";
  EXPECT_GT(points, m * 3);
  EXPECT_NE(r.attribute_string("/claims/optical/ndvi", "description").find("min_clear_fraction"), std::string::npos);
  // The pictures are palette PNGs.
  const auto png = r.read<std::uint8_t>("/claims/evidence/0");
  ASSERT_GT(png.size(), 26u);
  EXPECT_EQ(png[25], 3);

  // Same numbers and pictures with another block size and thread count
  // (fields cut by block edges, blocks merged in another grouping).
  run_job(season_config(dir / "two.h5", {{"threads", "2"}, {"block-size", "48"}, {"blocks-in-flight", "3"}}));
  const ResultReader r2(dir / "two.h5");
  for (const char* p : {"/claims/optical/ndvi", "/claims/optical/lswi", "/claims/optical/clear_fraction"}) {
    const auto a = r.read<double>(p), b = r2.read<double>(p);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      EXPECT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << p << " " << i;
  }
  for (std::size_t c = 0; c < m; ++c) {
    const std::string ds = "/claims/evidence/" + std::to_string(c);
    EXPECT_EQ(r.read<std::uint8_t>(ds), r2.read<std::uint8_t>(ds)) << ds;
  }

  // The radar series behind every verdict are in the result, the same with
  // another block size, and with their looks they decide the same events.
  const auto s1_dates = r.read_strings("/claims/radar/date");
  const std::size_t T = s1_dates.size();
  ASSERT_GT(T, 10u);
  EXPECT_EQ(r.dims("/claims/radar/vh_db"), (std::vector<hsize_t>{m, T}));
  const auto vv = r.read<double>("/claims/radar/vv_db"), vh = r.read<double>("/claims/radar/vh_db");
  for (const char* p : {"/claims/radar/vv_db", "/claims/radar/vh_db"}) {
    const auto a = r.read<double>(p), b = r2.read<double>(p);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << p;
  }
  const auto looks = r.read<double>("/claims/radar/looks");
  const auto events = r.read<std::int32_t>("/claims/drainage_events");
  const auto closure = r.read_strings("/claims/visible_until");
  std::vector<int> day(T);
  for (std::size_t k = 0; k < T; ++k)
    day[k] = static_cast<int>((*parse_iso_date(s1_dates[k]) - *parse_iso_date(s1_dates[0])).count());
  const Config cfg = season_config(dir / "unused.h5");
  std::size_t same = 0, in_range = 0, values = 0;
  for (std::size_t c = 0; c < m; ++c) {
    std::vector<float> lv(T), lh(T);
    for (std::size_t k = 0; k < T; ++k) {
      const double a = vv[c * T + k], b = vh[c * T + k];
      lv[k] = std::isnan(a) ? NAN : static_cast<float>(std::pow(10.0, a / 10));
      lh[k] = std::isnan(b) ? NAN : static_cast<float>(std::pow(10.0, b / 10));
      if (!std::isnan(b)) ++values, in_range += b > -35 && b < 0 && a > -30 && a < 5;
    }
    EXPECT_GE(looks[c], cfg.s1_looks);
    const auto cycle = kernels::detect_flood_cycle({day, lv, lh, looks[c]}, flood_cycle_params(cfg));
    same += static_cast<std::int32_t>(cycle.events.size()) == events[c];
  }
  EXPECT_GT(values, m * T / 2);
  EXPECT_EQ(in_range, values);                   // plausible C-band dB, not linear power
  EXPECT_GE(same * 100, m * 99) << same << "/" << m;  // float round trip of the dB values aside
  EXPECT_TRUE(std::any_of(closure.begin(), closure.end(), [](const std::string& d) { return !d.empty(); }));

  // Pixels next to a cloud or its shadow are not clear (the crop features'
  // 1-px dilation): without it every field is at least as clear, and some
  // field on some date more so.
  run_job(season_config(dir / "bare.h5", {{"threads", "1"}, {"block-size", "512"}, {"classifier.cloud_dilation", "0"}}));
  const auto bare = ResultReader(dir / "bare.h5").read<double>("/claims/optical/clear_fraction");
  ASSERT_EQ(bare.size(), clear.size());
  std::size_t clearer = 0;
  for (std::size_t i = 0; i < clear.size(); ++i) {
    EXPECT_GE(bare[i], clear[i]) << i;
    clearer += bare[i] > clear[i];
  }
  EXPECT_GT(clearer, 0u);
}

TEST(ClaimsOptical, BandThatFailsToDecodeQuarantinesItsScene) {
  const auto dir = test::fresh_dir("evidence_broken_band");
  // The red band of one Sentinel-2 scene cut short: only the claims read it
  // (no crop model here), so the decode error comes from the claims' reads.
  std::ifstream in(season_dir() / "items.json");
  auto doc = nlohmann::json::parse(in);
  std::string broken;
  for (auto& item : doc["features"]) {
    for (auto& [key, asset] : item["assets"].items())
      asset["href"] = (season_dir() / asset["href"].get<std::string>()).string();
    if (item["properties"]["constellation"] != "sentinel-2" || !broken.empty()) continue;
    if (item["properties"]["datetime"].get<std::string>() < "2026-03-01") continue;  // in season
    const std::string key = item["assets"].contains("B04") ? "B04" : "red";
    std::ifstream src(item["assets"][key]["href"].get<std::string>(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(src)), {});
    const auto cut = dir / "broken_red.tif";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() * 2 / 3);
    item["assets"][key]["href"] = cut.string();
    broken = item["id"].get<std::string>();
  }
  ASSERT_FALSE(broken.empty());
  std::ofstream(dir / "items.json") << doc.dump();
  const RunSummary s = run_job(season_config(dir / "r.h5", {{"items", (dir / "items.json").string()}}));
  EXPECT_EQ(s.scenes_quarantined, 1u);
  const ResultReader r(dir / "r.h5");
  const auto scenes = r.read_strings("/claims/optical/scene_id");
  EXPECT_EQ(std::find(scenes.begin(), scenes.end(), broken), scenes.end()) << "the quarantined scene is no column";
  const auto rows = r.read_string_table("/provenance/scenes");
  for (const auto& row : rows)
    if (row[0] == broken) {
      EXPECT_NE(row[7].find("broken_red"), std::string::npos) << row[7];
    }
}
