// The flattened forest (issue #6) against OpenCV's own prediction: the same
// class for every row, including rows exactly on split thresholds, NaN and
// cv::ml's missing-value marker, vote ties, one-tree and two-class forests,
// and after a model save/load round trip; and the forests it refuses.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>

#include "kernels/flat_forest.hpp"
#include "kernels/random_forest.hpp"
#include "pipeline/crop_model.hpp"
#include "pipeline/errors.hpp"
#include "tests/test_support.hpp"

using namespace paddymrv;
using namespace paddymrv::kernels;

namespace {

// Class k's code: not its index, so that a mix-up shows.
int code_of(int k) { return 2 + 3 * k; }

struct Data {
  cv::Mat X;
  std::vector<int> y;
};

// Overlapping classes with noisy labels: many leaves disagree, so votes are close.
Data synthetic(int rows, int features, int classes, double label_noise, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> any_class(0, classes - 1);
  Data d{cv::Mat(rows, features, CV_32F), std::vector<int>(static_cast<std::size_t>(rows))};
  for (int r = 0; r < rows; ++r) {
    const int k = any_class(rng);
    for (int c = 0; c < features; ++c) d.X.at<float>(r, c) = 0.4f * static_cast<float>((k * (c + 1)) % 5) + noise(rng);
    // Quantised columns put many rows on the same values, hence on thresholds.
    d.X.at<float>(r, 0) = std::round(d.X.at<float>(r, 0) * 4.0f) / 4.0f;
    d.y[static_cast<std::size_t>(r)] = code_of(u(rng) < label_noise ? any_class(rng) : k);
  }
  return d;
}

// Rows to predict: fresh rows; rows with one feature exactly on a split's
// threshold and one float either side of it; rows with NaN and FLT_MAX.
cv::Mat evaluation_rows(const cv::ml::RTrees& forest, int features, int classes, unsigned seed, int* on_threshold) {
  cv::Mat rows = synthetic(3000, features, classes, 0.0, seed).X;
  std::mt19937 rng(seed + 1);
  std::uniform_int_distribution<int> pick(0, rows.rows - 1);
  std::uniform_int_distribution<int> column(0, features - 1);
  *on_threshold = 0;
  for (const auto& s : forest.getSplits()) {
    for (float v : {s.c, std::nextafter(s.c, -FLT_MAX), std::nextafter(s.c, FLT_MAX)}) {
      cv::Mat r = rows.row(pick(rng)).clone();
      r.at<float>(0, s.varIdx) = v;
      if (v == s.c) ++*on_threshold;
      rows.push_back(r);
    }
  }
  for (int i = 0; i < 1500; ++i) {
    cv::Mat r = rows.row(pick(rng)).clone();
    r.at<float>(0, column(rng)) = i % 2 ? NAN : cv::ml::TrainData::missingValue();
    if (i % 3 == 0) r.at<float>(0, column(rng)) = i % 2 ? cv::ml::TrainData::missingValue() : NAN;
    rows.push_back(r);
  }
  return rows;
}

// Rows whose two largest vote counts are equal (the tie-break decides).
int tied_rows(const cv::ml::RTrees& forest, const cv::Mat& rows) {
  cv::Mat votes;
  forest.getVotes(rows, votes, 0);
  int ties = 0;
  for (int r = 1; r < votes.rows; ++r) {
    int first = -1, second = -1;
    for (int c = 0; c < votes.cols; ++c) {
      const int v = votes.at<int>(r, c);
      if (v > first)
        second = first, first = v;
      else if (v > second)
        second = v;
    }
    ties += first == second;
  }
  return ties;
}

}  // namespace

TEST(FlatForest, EqualsOpenCvOnThresholdsMissingValuesAndTies) {
  struct Case {
    int trees, classes, max_depth;
  };
  std::size_t total = 0;
  int total_ties = 0, total_on_threshold = 0;
  for (const Case& c : {Case{1, 4, 10}, Case{4, 9, 8}, Case{6, 12, 12}, Case{2, 2, 6}, Case{40, 5, 20}}) {
    SCOPED_TRACE("trees " + std::to_string(c.trees) + ", classes " + std::to_string(c.classes));
    const int F = 10;
    const Data train = synthetic(2500, F, c.classes, 0.35, 11u + static_cast<unsigned>(c.trees));
    ForestParams p;
    p.trees = c.trees;
    p.max_depth = c.max_depth;
    p.seed = 77 + static_cast<std::uint64_t>(c.classes);
    const auto cv_forest = train_forest(train.X, train.y, p);
    const FlatForest flat(*cv_forest);
    EXPECT_EQ(flat.trees(), c.trees);
    EXPECT_EQ(flat.features(), F);
    int on_threshold = 0;
    const cv::Mat rows =
        evaluation_rows(*cv_forest, F, c.classes, 500u + static_cast<unsigned>(c.trees), &on_threshold);
    const auto expected = predict_forest(*cv_forest, rows);
    std::vector<std::uint16_t> votes;
    const auto got = flat.predict(rows, &votes);
    ASSERT_EQ(got.size(), expected.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.size(); ++i) differ += got[i] != expected[i];
    EXPECT_EQ(differ, 0u) << "of " << got.size() << " rows";
    // The tree votes the soft majority filter sums are OpenCV's too, class by
    // class (getVotes: row 0 the class codes, then one row per sample).
    cv::Mat cv_votes;
    cv_forest->getVotes(rows, cv_votes, 0);
    const auto& codes = flat.class_codes();
    ASSERT_EQ(cv_votes.cols, static_cast<int>(codes.size()));
    ASSERT_EQ(votes.size(), got.size() * codes.size());
    for (std::size_t k = 0; k < codes.size(); ++k) EXPECT_EQ(cv_votes.at<int>(0, static_cast<int>(k)), codes[k]);
    std::size_t vote_differ = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
      for (std::size_t k = 0; k < codes.size(); ++k)
        vote_differ += cv_votes.at<int>(static_cast<int>(i) + 1, static_cast<int>(k)) != votes[i * codes.size() + k];
    EXPECT_EQ(vote_differ, 0u);
    total += got.size();
    total_on_threshold += on_threshold;
    total_ties += c.trees > 1 ? tied_rows(*cv_forest, rows) : 0;
  }
  EXPECT_GE(total, 20000u);
  EXPECT_GE(total_on_threshold, 1000);  // rows exactly on a threshold were asked
  EXPECT_GE(total_ties, 500);           // and rows where the tie-break decides
}

TEST(FlatForest, SaveLoadRoundTripStillEqualsOpenCv) {
  const CropFeatureLayout layout;
  const int F = layout.size();
  const Data d = synthetic(2000, F, 6, 0.3, 3);
  ForestParams p;
  p.trees = 15;
  CropModel m;
  m.layout = layout;
  m.feature_names = layout.names();
  for (int k = 0; k < 6; ++k) m.classes.push_back({code_of(k), "class " + std::to_string(k)});
  m.validation = ConfusionMatrix(6);
  m.set_forests(train_forest(d.X, d.y, p));
  const auto dir = test::fresh_dir("flat_forest");
  const auto path = (dir / "model.yml").string();
  save_crop_model(m, path);
  const CropModel l = load_crop_model(path);
  int on_threshold = 0;
  const cv::Mat rows = evaluation_rows(*l.forest, F, 6, 9, &on_threshold);
  const auto expected = predict_forest(*l.forest, rows);
  EXPECT_EQ(l.flat_forest.predict(rows), expected);
  EXPECT_EQ(m.flat_forest.predict(rows), expected);
  EXPECT_EQ(predict_forest(*m.forest, rows), expected);
}

TEST(FlatForest, ChunksAndRowCountsDoNotMatter) {
  const Data d = synthetic(1500, 6, 5, 0.3, 21);
  ForestParams p;
  p.trees = 9;
  const auto cv_forest = train_forest(d.X, d.y, p);
  const FlatForest flat(*cv_forest);
  const auto all = flat.predict(d.X);
  // Row by row and in odd-sized pieces: the same classes (no state across chunks).
  for (int n : {1, 255, 257, 1000}) {
    std::vector<int> piece(static_cast<std::size_t>(n));
    flat.predict(d.X.ptr<float>(0), piece.size(), d.X.cols, piece.data());
    EXPECT_TRUE(std::equal(piece.begin(), piece.end(), all.begin())) << n << " rows";
  }
  EXPECT_TRUE(flat.predict(cv::Mat(0, 6, CV_32F)).empty());
  // A non-continuous view (every other column pair) is copied, not misread.
  cv::Mat wide;
  cv::hconcat(d.X, d.X, wide);
  EXPECT_EQ(flat.predict(wide.colRange(0, 6)), all);
  EXPECT_THROW(flat.predict(wide), std::invalid_argument);  // 12 columns for a 6-feature forest
  EXPECT_THROW(FlatForest().predict(d.X), std::invalid_argument);
}

TEST(FlatForest, RefusesForestsItCannotRepresent) {
  const Data d = synthetic(600, 4, 3, 0.1, 5);
  EXPECT_THROW(FlatForest{*cv::ml::RTrees::create()}, std::invalid_argument);  // not trained

  // Regression forest.
  auto reg = cv::ml::RTrees::create();
  reg->setMaxDepth(4);
  reg->setTermCriteria(cv::TermCriteria(cv::TermCriteria::MAX_ITER, 3, 0));
  cv::Mat yf(d.X.rows, 1, CV_32F);
  for (int i = 0; i < d.X.rows; ++i) yf.at<float>(i) = static_cast<float>(d.y[static_cast<std::size_t>(i)]) + 0.5f;
  reg->train(cv::ml::TrainData::create(d.X, cv::ml::ROW_SAMPLE, yf));
  EXPECT_THROW(FlatForest{*reg}, std::invalid_argument);

  // A categorical input variable that decides the class (two classes: with
  // more, cv::ml 4.6 trips its own assertion in findSplitCatClass).
  cv::Mat Xc = d.X.clone();
  cv::Mat resp(Xc.rows, 1, CV_32S);
  for (int i = 0; i < Xc.rows; ++i) Xc.at<float>(i, 0) = static_cast<float>(i % 2), resp.at<int>(i) = code_of(i % 2);
  cv::Mat var_type(5, 1, CV_8U, cv::Scalar(cv::ml::VAR_ORDERED));
  var_type.at<std::uint8_t>(0) = cv::ml::VAR_CATEGORICAL;
  var_type.at<std::uint8_t>(4) = cv::ml::VAR_CATEGORICAL;
  auto cat = cv::ml::RTrees::create();
  cat->setMaxDepth(4);
  cat->setActiveVarCount(4);
  cat->setTermCriteria(cv::TermCriteria(cv::TermCriteria::MAX_ITER, 3, 0));
  cat->train(
      cv::ml::TrainData::create(Xc, cv::ml::ROW_SAMPLE, resp, cv::noArray(), cv::noArray(), cv::noArray(), var_type));
  ASSERT_FALSE(cat->getSubsets().empty());
  EXPECT_THROW(FlatForest{*cat}, std::invalid_argument);

  // An "inversed" ordered split, as a hand-edited model file would hold ("gt" for "le").
  ForestParams p;
  p.trees = 2;
  const auto forest = train_forest(d.X, d.y, p);
  cv::FileStorage out(".yml", cv::FileStorage::WRITE | cv::FileStorage::MEMORY);
  out << "forest"
      << "{";
  forest->write(out);
  out << "}";
  std::string text = out.releaseAndGetString();
  const auto at = text.find("le:");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 3, "gt:");
  cv::FileStorage in(text, cv::FileStorage::READ | cv::FileStorage::MEMORY);
  auto edited = cv::ml::RTrees::create();
  edited->read(in["forest"]);
  EXPECT_THROW(FlatForest{*edited}, std::invalid_argument);
  EXPECT_NO_THROW(FlatForest{*forest});
}

// Two forests as one committee (the crop model with a field context): each
// reads its variables from its own columns of a wider row, and the
// committee's votes are the two forests' votes summed.
TEST(FlatForest, ACommitteeSumsTheVotesOfForestsReadingTheirOwnColumns) {
  const int F = 6;
  const Data a = synthetic(1500, F, 4, 0.3, 21), b = synthetic(1500, F, 4, 0.3, 22);
  ForestParams p;
  p.trees = 7;
  const auto fa = train_forest(a.X, a.y, p);
  p.seed = 5;
  const auto fb = train_forest(b.X, b.y, p);
  // Rows of 9 columns: forest a reads columns 0..5, forest b reads its
  // variable j at column kB[j] (its last three at 6..8, the others shared).
  const std::vector<int> kA = {0, 1, 2, 3, 4, 5}, kB = {0, 1, 2, 6, 7, 8};
  const cv::Mat rows = synthetic(800, 9, 4, 0.0, 23).X;
  cv::Mat as_a(rows.rows, F, CV_32F), as_b(rows.rows, F, CV_32F);
  for (int j = 0; j < F; ++j) {
    rows.col(kA[static_cast<std::size_t>(j)]).copyTo(as_a.col(j));
    rows.col(kB[static_cast<std::size_t>(j)]).copyTo(as_b.col(j));
  }
  FlatForest committee(*fa, kA, 9);
  const FlatForest only_b(*fb, kB, 9);
  EXPECT_EQ(only_b.predict(rows), predict_forest(*fb, as_b));  // the column map alone
  committee.add_trees(only_b);
  EXPECT_EQ(committee.trees(), 14);
  EXPECT_EQ(committee.features(), 9);
  std::vector<std::uint16_t> both, va, vb;
  const auto cls = committee.predict(rows, &both);
  FlatForest(*fa).predict(as_a, &va);
  FlatForest(*fb).predict(as_b, &vb);
  ASSERT_EQ(both.size(), va.size());
  int disagree = 0;
  for (std::size_t i = 0; i < both.size(); ++i) ASSERT_EQ(both[i], va[i] + vb[i]) << i;
  const auto cls_a = predict_forest(*fa, as_a), cls_b = predict_forest(*fb, as_b);
  for (std::size_t r = 0; r < cls.size(); ++r) {
    disagree += cls_a[r] != cls_b[r];
    // Where both forests agree, so does the committee.
    if (cls_a[r] == cls_b[r]) {
      EXPECT_EQ(cls[r], cls_a[r]) << r;
    }
  }
  EXPECT_GT(disagree, 0);  // the two forests differ, so the sum is tested
  // Refused: rows of another width, another class table, bad columns.
  FlatForest narrow(*fa);
  EXPECT_THROW(narrow.add_trees(only_b), std::invalid_argument);
  Data other = a;
  for (auto& y : other.y) y += 1;  // codes 3, 6, … instead of 2, 5, …
  FlatForest shifted(*train_forest(other.X, other.y, p), kA, 9);
  EXPECT_THROW(shifted.add_trees(only_b), std::invalid_argument);
  EXPECT_THROW(FlatForest(*fa, {0, 1, 2}, 9), std::invalid_argument);
  EXPECT_THROW(FlatForest(*fa, {0, 1, 2, 3, 4, 9}, 9), std::invalid_argument);
}

// A forest whose leaves name only some classes (a stump) joins one that
// names them all: the committee knows every code, and each row's votes are
// the stump's (zero for the classes it never predicts) plus the other's.
TEST(FlatForest, ACommitteeLearnsTheCodesOneOfItsForestsNeverPredicts) {
  const Data d = synthetic(1500, 6, 5, 0.3, 31);
  ForestParams p;
  p.trees = 1;
  p.max_depth = 1;
  const FlatForest stump(*train_forest(d.X, d.y, p));
  int known = 0;
  for (int c : stump.class_codes()) known += c != std::numeric_limits<int>::min();
  ASSERT_LE(known, 2);  // two leaves
  p.trees = 6;
  p.max_depth = 10;
  const FlatForest full(*train_forest(d.X, d.y, p));
  ASSERT_EQ(full.class_codes(), (std::vector<int>{code_of(0), code_of(1), code_of(2), code_of(3), code_of(4)}));
  const cv::Mat rows = synthetic(500, 6, 5, 0.0, 32).X;
  std::vector<std::uint16_t> vs, vf, both;
  stump.predict(rows, &vs);
  full.predict(rows, &vf);
  const std::size_t Cs = stump.class_codes().size(), C = full.class_codes().size();
  for (const bool stump_first : {true, false}) {
    FlatForest committee = stump_first ? stump : full;
    committee.add_trees(stump_first ? full : stump);
    EXPECT_EQ(committee.class_codes(), full.class_codes());
    committee.predict(rows, &both);
    ASSERT_EQ(both.size(), static_cast<std::size_t>(rows.rows) * C);
    for (std::size_t r = 0; r < static_cast<std::size_t>(rows.rows); ++r)
      for (std::size_t c = 0; c < C; ++c)
        ASSERT_EQ(both[r * C + c], vf[r * C + c] + (c < Cs ? vs[r * Cs + c] : 0)) << r << " " << c;
  }
  // A forest added to itself: every vote twice.
  FlatForest twice = full;
  twice.add_trees(twice);
  EXPECT_EQ(twice.trees(), 2 * full.trees());
  twice.predict(rows, &both);
  for (std::size_t i = 0; i < both.size(); ++i) ASSERT_EQ(both[i], 2 * vf[i]);
}
