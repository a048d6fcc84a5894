#include "kernels/flat_forest.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace paddymrv::kernels {

namespace {

constexpr std::size_t kChunkRows = 256;  // rows per pass of one tree: votes and rows stay in L1/L2
constexpr std::size_t kLanes = 16;       // rows that walk a tree together
// A class index no leaf predicts has no code (yet): another forest added
// later may name it.
constexpr int kUnknownCode = std::numeric_limits<int>::min();

[[noreturn]] void refuse(const std::string& why) { throw std::invalid_argument("FlatForest: " + why); }

}  // namespace

FlatForest::FlatForest(const cv::ml::RTrees& forest) : FlatForest(forest, {}, 0) {}

FlatForest::FlatForest(const cv::ml::RTrees& forest, const std::vector<int>& columns, int row_width) {
  if (!forest.isTrained()) refuse("the forest is not trained");
  if (!forest.isClassifier()) refuse("only classification forests are supported");
  if (!forest.getSubsets().empty()) refuse("the forest has categorical splits");
  const auto& cv_roots = forest.getRoots();
  const auto& cv_nodes = forest.getNodes();
  const auto& cv_splits = forest.getSplits();
  const int vars = forest.getVarCount();
  features_ = columns.empty() ? vars : row_width;
  if (!columns.empty() && static_cast<int>(columns.size()) != vars)
    refuse("a column for each of the forest's " + std::to_string(vars) + " variables is needed");
  for (int c : columns)
    if (c < 0 || c >= row_width) refuse("a column outside the row");
  if (cv_roots.size() > std::numeric_limits<std::uint16_t>::max()) refuse("more than 65535 trees");
  const auto n_nodes = static_cast<int>(cv_nodes.size());
  nodes_.reserve(cv_nodes.size());
  roots_.reserve(cv_roots.size());
  std::vector<std::pair<int, std::size_t>> todo;  // (cv::ml node, flat slot)
  for (int root : cv_roots) {
    roots_.push_back(static_cast<std::int32_t>(nodes_.size()));
    nodes_.push_back({});
    leaf_class_.resize(nodes_.size());
    todo.assign(1, {root, nodes_.size() - 1});
    while (!todo.empty()) {
      const auto [ci, slot] = todo.back();
      todo.pop_back();
      if (ci < 0 || ci >= n_nodes || nodes_.size() > cv_nodes.size() + cv_roots.size())
        refuse("malformed tree (node index out of range or a cycle)");
      const cv::ml::DTrees::Node& cn = cv_nodes[static_cast<std::size_t>(ci)];
      if (cn.split < 0) {
        if (cn.classIdx < 0 || cn.classIdx > std::numeric_limits<std::uint16_t>::max())
          refuse("a leaf without a valid class index");
        const auto k = static_cast<std::size_t>(cn.classIdx);
        const int code = static_cast<int>(std::lround(cn.value));
        if (static_cast<double>(code) != cn.value) refuse("a leaf whose class code is not an integer");
        if (codes_.size() <= k) codes_.resize(k + 1, kUnknownCode);
        if (codes_[k] != kUnknownCode && codes_[k] != code)
          refuse("two class codes for one class index");
        codes_[k] = code;
        // A leaf steps to itself: !(v <= NaN) is always 1, and left + 1 is the leaf.
        nodes_[slot] = {std::numeric_limits<float>::quiet_NaN(), 0, static_cast<std::int32_t>(slot) - 1};
        leaf_class_[slot] = static_cast<std::uint16_t>(cn.classIdx);
        continue;
      }
      if (cn.split >= static_cast<int>(cv_splits.size())) refuse("malformed tree (split index out of range)");
      const cv::ml::DTrees::Split& s = cv_splits[static_cast<std::size_t>(cn.split)];
      if (s.next >= 0) refuse("the forest has surrogate splits");
      if (s.inversed) refuse("the forest has inversed ordered splits");
      if (s.varIdx < 0 || s.varIdx >= vars) refuse("a split on a variable outside the input columns");
      const auto left = static_cast<std::int32_t>(nodes_.size());
      nodes_.resize(nodes_.size() + 2);
      leaf_class_.resize(nodes_.size());
      nodes_[slot] = {s.c, columns.empty() ? s.varIdx : columns[static_cast<std::size_t>(s.varIdx)], left};
      // Left pushed last: visited first, so a tree's nodes are in depth-first order.
      todo.push_back({cn.right, static_cast<std::size_t>(left) + 1});
      todo.push_back({cn.left, static_cast<std::size_t>(left)});
    }
  }
  if (roots_.empty()) refuse("the forest has no trees");
}

void FlatForest::add_trees(const FlatForest& other) {
  if (&other == this) {  // appending a vector to itself reads what it writes
    const FlatForest copy = other;
    add_trees(copy);
    return;
  }
  if (other.empty()) refuse("no trees to add");
  if (other.features_ != features_) refuse("the added trees read rows of another width");
  // A class index unknown to one forest may be named by the other. Both
  // forests are trained on one label set, so their indices mean the same
  // codes.
  std::vector<int> codes = codes_;
  if (codes.size() < other.codes_.size()) codes.resize(other.codes_.size(), kUnknownCode);
  for (std::size_t k = 0; k < other.codes_.size(); ++k) {
    if (other.codes_[k] == kUnknownCode) continue;
    if (codes[k] != kUnknownCode && codes[k] != other.codes_[k])
      refuse("the added trees give a class index another code");
    codes[k] = other.codes_[k];
  }
  if (roots_.size() + other.roots_.size() > std::numeric_limits<std::uint16_t>::max()) refuse("more than 65535 trees");
  const auto base = static_cast<std::int32_t>(nodes_.size());
  for (Node n : other.nodes_) {
    n.left += base;  // children, and a leaf's "itself − 1", move with the nodes
    nodes_.push_back(n);
  }
  leaf_class_.insert(leaf_class_.end(), other.leaf_class_.begin(), other.leaf_class_.end());
  for (const std::int32_t r : other.roots_) roots_.push_back(r + base);
  codes_ = std::move(codes);
}

void FlatForest::predict(const float* rows, std::size_t n, int features, int* out, std::uint16_t* votes_out) const {
  if (roots_.empty()) throw std::invalid_argument("FlatForest::predict: no trees");
  if (features != features_)
    throw std::invalid_argument("FlatForest::predict: rows have " + std::to_string(features) +
                                " features, the forest " + std::to_string(features_));
  const std::size_t F = static_cast<std::size_t>(features);
  const std::size_t C = codes_.size();
  const Node* nodes = nodes_.data();
  const float kMissing = cv::ml::TrainData::missingValue();
  std::vector<std::uint16_t> votes(kChunkRows * C);
  for (std::size_t first = 0; first < n; first += kChunkRows) {
    const std::size_t m = std::min(kChunkRows, n - first);
    const float* chunk = rows + first * F;
    std::fill(votes.begin(), votes.begin() + static_cast<std::ptrdiff_t>(m * C), std::uint16_t{0});
    for (const std::int32_t root : roots_) {
      // kLanes rows walk the tree side by side: their loads are independent,
      // so the CPU overlaps them. Rows past the chunk's end repeat its last row.
      for (std::size_t i = 0; i < m; i += kLanes) {
        const float* row[kLanes];
        std::int32_t at[kLanes];
        for (std::size_t j = 0; j < kLanes; ++j) row[j] = chunk + std::min(i + j, m - 1) * F, at[j] = root;
        for (bool moved = true; moved;) {
          moved = false;
          for (std::size_t j = 0; j < kLanes; ++j) {
            const Node& node = nodes[at[j]];
            float v = row[j][node.feature];
            if (v == kMissing) v = 0.0f;
            const std::int32_t next = node.left + !(v <= node.threshold);  // NaN: right, as cv::ml
            moved |= next != at[j];
            at[j] = next;
          }
        }
        for (std::size_t j = 0; j < kLanes && i + j < m; ++j)
          ++votes[(i + j) * C + leaf_class_[static_cast<std::size_t>(at[j])]];
      }
    }
    if (votes_out) std::copy(votes.begin(), votes.begin() + static_cast<std::ptrdiff_t>(m * C), votes_out + first * C);
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint16_t* v = votes.data() + i * C;
      std::size_t best = 0;
      for (std::size_t k = 1; k < C; ++k)
        if (v[k] > v[best]) best = k;  // strict: the lowest class index wins a tie
      out[first + i] = codes_[best];
    }
  }
}

std::vector<int> FlatForest::predict(const cv::Mat& rows, std::vector<std::uint16_t>* votes) const {
  if (votes) votes->clear();
  if (rows.rows == 0) return {};
  if (rows.type() != CV_32F) throw std::invalid_argument("FlatForest::predict: rows must be CV_32F");
  const cv::Mat dense = rows.isContinuous() ? rows : rows.clone();
  std::vector<int> out(static_cast<std::size_t>(dense.rows));
  if (votes) votes->resize(out.size() * codes_.size());
  predict(dense.ptr<float>(), out.size(), dense.cols, out.data(), votes ? votes->data() : nullptr);
  return out;
}

}  // namespace paddymrv::kernels
