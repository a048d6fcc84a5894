#pragma once
// Random forest glue over cv::ml::RTrees (Breiman 2001): seeded training on
// an N×F float matrix, and OpenCV's own prediction. Train and run predict
// with kernels/flat_forest (the same classes, faster); predict_forest is the
// reference it is tested and benchmarked against. Persistence lives in
// pipeline/crop_model.
#include <opencv2/core.hpp>
#include <opencv2/ml.hpp>
#include <cstdint>
#include <vector>

namespace paddymrv::kernels {

struct ForestParams {
  int trees = 100;
  int max_depth = 20;
  int min_sample_count = 2;
  int active_vars = 0;  // 0 = sqrt(F), Breiman's default
  std::uint64_t seed = 20261129;
};

// Trains on rows of `features` (CV_32F) with integer labels (class codes).
// Deterministic for a given seed: OpenCV draws the bootstrap samples and the
// feature subsets from the calling thread's cv::theRNG(), seeded here.
cv::Ptr<cv::ml::RTrees> train_forest(const cv::Mat& features, const std::vector<int>& labels, const ForestParams& p);

// Class codes for every row of `features`, by cv::ml::RTrees::predict.
std::vector<int> predict_forest(const cv::ml::RTrees& forest, const cv::Mat& features);

}  // namespace paddymrv::kernels
