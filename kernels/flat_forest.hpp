#pragma once
// A trained cv::ml::RTrees classifier copied once into contiguous arrays and
// evaluated on whole blocks (issue #6). cv::ml walks one row through every
// tree before the next row, over a node table and a separate split table.
// Here one 12-byte node holds the split, each tree runs over a chunk of rows
// before the next tree (its nodes stay in cache), 16 rows walk a tree side by
// side (their loads overlap), and votes go to a small per-chunk table.
//
// The class is exactly the one cv::ml::RTrees::predict returns (OpenCV 4.6,
// DTreesImpl::predictTrees; tests/test_flat_forest.cpp checks it row by row):
// - an ordered split sends a row left when value <= threshold, else right
//   (so NaN goes right); ml.hpp's comment says "<", the code says "<=";
// - cv::ml::TrainData::missingValue() (FLT_MAX) is replaced by the model's
//   substitute value, 0 for ordered variables (TrainData sets it, the model
//   file keeps it);
// - each tree votes for its leaf's class index; the most votes win, ties go
//   to the lowest class index (class indices follow ascending class codes).
// Forests this cannot represent are refused with std::invalid_argument:
// regression forests, categorical splits, surrogate splits, "inversed"
// ordered splits (never trained; cv::ml would ignore the flag). Columns are
// the forest's variables in order (trained without a var_idx subset, as
// train_forest does), or wherever `columns` puts them in a wider row.
//
// Two forests trained on different views of one row (say, a pixel's own
// features and the same with some columns replaced by their field means)
// become one committee with add_trees: every tree votes, the votes are
// summed, so both forests count alike per tree (Breiman 1996, bagging:
// averaging the votes of classifiers that err differently).
#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/ml.hpp>
#include <vector>

namespace paddymrv::kernels {

class FlatForest {
 public:
  FlatForest() = default;  // no trees: predict throws
  explicit FlatForest(const cv::ml::RTrees& forest);
  // The forest's variable j read from column columns[j] of rows `row_width`
  // floats wide (columns.size() == the forest's variable count).
  FlatForest(const cv::ml::RTrees& forest, const std::vector<int>& columns, int row_width);
  // Appends the trees of `other`, which must read rows as wide and predict
  // the same class codes: predict then sums both forests' votes.
  void add_trees(const FlatForest& other);

  bool empty() const { return roots_.empty(); }
  int features() const { return features_; }
  int trees() const { return static_cast<int>(roots_.size()); }

  // Class codes of n rows of `features` floats each, row-major and
  // contiguous, into out[0..n). Single-threaded: callers already run one
  // block per thread. Throws std::invalid_argument when features != features().
  // With `votes`, also each row's tree votes per class index (n × classes,
  // row-major; the soft majority filter sums them).
  void predict(const float* rows, std::size_t n, int features, int* out, std::uint16_t* votes = nullptr) const;
  // Same for every row of a CV_32F matrix; `votes` is resized to rows × classes.
  std::vector<int> predict(const cv::Mat& rows, std::vector<std::uint16_t>* votes = nullptr) const;
  // Class code of each class index (ascending codes).
  const std::vector<int>& class_codes() const { return codes_; }

 private:
  struct Node {
    float threshold;       // a leaf: NaN
    std::int32_t feature;  // a leaf: 0
    std::int32_t left;     // left child, the right one is left + 1; a leaf: itself − 1
  };
  std::vector<Node> nodes_;                // every tree, children of a node side by side
  std::vector<std::uint16_t> leaf_class_;  // per node: a leaf's class index
  std::vector<std::int32_t> roots_;        // first node of each tree
  std::vector<int> codes_;                 // class index → class code
  int features_ = 0;
};

}  // namespace paddymrv::kernels
