#include "kernels/speckle_filter.hpp"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <limits>

namespace paddymrv::kernels {

namespace {

// The temporaries of local_moments, kept from one date to the next: OpenCV
// reuses a Mat's buffer when the size and type match, so a stack of dates
// maps these pages once instead of once per date (issue #6; each fresh
// buffer cost a page fault per 4 kB).
struct MomentScratch {
  cv::Mat valid, invalid, zeroed, count, sum, empty, sq;
};

// Local mean over the window of the valid (finite) pixels only, and the
// local mean of squares when `squares` is given. NaN where no valid pixel.
void local_moments(const cv::Mat& img, int window, cv::Mat& mean, cv::Mat* squares, MomentScratch& t) {
  cv::compare(img, img, t.valid, cv::CMP_EQ);  // false for NaN
  img.copyTo(t.zeroed);
  cv::bitwise_not(t.valid, t.invalid);
  t.zeroed.setTo(0.0f, t.invalid);
  t.valid.convertTo(t.count, CV_32F, 1.0 / 255.0);
  const cv::Size k(window, window);
  cv::boxFilter(t.count, t.count, CV_32F, k, cv::Point(-1, -1), false, cv::BORDER_CONSTANT);
  cv::boxFilter(t.zeroed, t.sum, CV_32F, k, cv::Point(-1, -1), false, cv::BORDER_CONSTANT);
  cv::divide(t.sum, t.count, mean);
  cv::compare(t.count, 0.5f, t.empty, cv::CMP_LT);
  mean.setTo(std::numeric_limits<float>::quiet_NaN(), t.empty);
  if (squares) {
    cv::multiply(t.zeroed, t.zeroed, t.sq);
    cv::boxFilter(t.sq, t.sq, CV_32F, k, cv::Point(-1, -1), false, cv::BORDER_CONSTANT);
    cv::divide(t.sq, t.count, *squares);
  }
}

}  // namespace

void lee_filter(std::span<float> image, int width, int height, const SpeckleFilterParams& p) {
  cv::Mat img(height, width, CV_32F, image.data());
  cv::Mat mean, sq;
  MomentScratch t;
  local_moments(img, p.window, mean, &sq, t);
  const float cu2 = 1.0f / p.looks;  // squared coefficient of variation of the speckle
  for (int y = 0; y < height; ++y) {
    float* z = img.ptr<float>(y);
    const float* m = mean.ptr<float>(y);
    const float* s = sq.ptr<float>(y);
    for (int x = 0; x < width; ++x) {
      if (!std::isfinite(z[x]) || !std::isfinite(m[x])) continue;
      const float var_z = std::max(0.0f, s[x] - m[x] * m[x]);
      // Lee (1980): var of the underlying reflectivity under multiplicative noise.
      const float var_x = std::max(0.0f, (var_z - m[x] * m[x] * cu2) / (1.0f + cu2));
      const float k = var_z > 0.0f ? var_x / var_z : 0.0f;
      z[x] = m[x] + k * (z[x] - m[x]);
    }
  }
}

void quegan_filter(std::vector<std::vector<float>>& stack, int width, int height, const SpeckleFilterParams& p) {
  const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  std::vector<cv::Mat> means(stack.size());
  cv::Mat ratio_sum = cv::Mat::zeros(height, width, CV_32F);
  cv::Mat ratio_count = cv::Mat::zeros(height, width, CV_32F);
  MomentScratch t;
  for (std::size_t d = 0; d < stack.size(); ++d) {
    cv::Mat img(height, width, CV_32F, stack[d].data());
    local_moments(img, p.window, means[d], nullptr, t);
    const float* z = stack[d].data();
    const float* m = means[d].ptr<float>(0);
    float* rs = ratio_sum.ptr<float>(0);
    float* rc = ratio_count.ptr<float>(0);
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isfinite(z[i]) && m[i] > 0.0f) {
        rs[i] += z[i] / m[i];
        rc[i] += 1.0f;
      }
    }
  }
  for (std::size_t d = 0; d < stack.size(); ++d) {
    float* z = stack[d].data();
    const float* m = means[d].ptr<float>(0);
    const float* rs = ratio_sum.ptr<float>(0);
    const float* rc = ratio_count.ptr<float>(0);
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isfinite(z[i]) && m[i] > 0.0f && rc[i] > 0.0f) z[i] = m[i] * rs[i] / rc[i];
    }
  }
}

double equivalent_looks(std::span<const float> sample) {
  double s = 0, s2 = 0;
  std::size_t k = 0;
  for (float v : sample) {
    if (!std::isfinite(v)) continue;
    s += v;
    s2 += static_cast<double>(v) * v;
    ++k;
  }
  if (k < 2) return 0;
  const double mean = s / static_cast<double>(k);
  const double var = s2 / static_cast<double>(k) - mean * mean;
  return var > 0 ? mean * mean / var : INFINITY;
}

}  // namespace paddymrv::kernels
