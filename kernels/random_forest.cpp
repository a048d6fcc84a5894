#include "kernels/random_forest.hpp"

#include <cmath>

namespace paddymrv::kernels {

cv::Ptr<cv::ml::RTrees> train_forest(const cv::Mat& features, const std::vector<int>& labels, const ForestParams& p) {
  cv::Ptr<cv::ml::RTrees> rf = cv::ml::RTrees::create();
  rf->setMaxDepth(p.max_depth);
  rf->setMinSampleCount(p.min_sample_count);
  rf->setRegressionAccuracy(0);
  rf->setUseSurrogates(false);
  rf->setMaxCategories(16);
  rf->setCalculateVarImportance(false);
  rf->setActiveVarCount(p.active_vars);
  rf->setTermCriteria(cv::TermCriteria(cv::TermCriteria::MAX_ITER, p.trees, 0));
  cv::Mat resp(static_cast<int>(labels.size()), 1, CV_32S);
  for (std::size_t i = 0; i < labels.size(); ++i) resp.at<int>(static_cast<int>(i)) = labels[i];
  cv::Mat var_type(features.cols + 1, 1, CV_8U, cv::Scalar(cv::ml::VAR_ORDERED));
  var_type.at<std::uint8_t>(features.cols) = cv::ml::VAR_CATEGORICAL;
  auto data = cv::ml::TrainData::create(features, cv::ml::ROW_SAMPLE, resp, cv::noArray(), cv::noArray(),
                                        cv::noArray(), var_type);
  cv::theRNG().state = p.seed ? p.seed : 1;
  rf->train(data);
  return rf;
}

std::vector<int> predict_forest(const cv::ml::RTrees& forest, const cv::Mat& features) {
  std::vector<int> out(static_cast<std::size_t>(features.rows), 0);
  if (features.rows == 0) return out;
  cv::Mat res;
  forest.predict(features, res);
  for (int i = 0; i < features.rows; ++i) out[static_cast<std::size_t>(i)] = static_cast<int>(std::lround(res.at<float>(i)));
  return out;
}

}  // namespace paddymrv::kernels
