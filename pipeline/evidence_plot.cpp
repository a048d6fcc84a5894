#include "pipeline/evidence_plot.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "pipeline/dates.hpp"

namespace paddymrv {

namespace {

constexpr int kWidth = 900, kHeight = 420;
constexpr int kLeft = 60, kRight = 20, kTop = 50, kBottom = 60;
constexpr double kDbMin = -27, kDbMax = -3;

struct Axes {
  int season_days;
  int x(double day) const {
    return kLeft + static_cast<int>(std::lround(day / std::max(1, season_days) * (kWidth - kLeft - kRight)));
  }
  int y(double db) const {
    const double f = (std::clamp(db, kDbMin, kDbMax) - kDbMin) / (kDbMax - kDbMin);
    return kHeight - kBottom - static_cast<int>(std::lround(f * (kHeight - kTop - kBottom)));
  }
};

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale = 0.45, cv::Scalar colour = {40, 40, 40}) {
  cv::putText(img, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv::LINE_AA);
}

void shade(cv::Mat& img, const Axes& ax, double d0, double d1, cv::Scalar colour) {
  if (d1 <= d0) return;
  cv::Mat roi = img(cv::Rect(cv::Point(ax.x(d0), kTop), cv::Point(ax.x(d1), kHeight - kBottom)));
  cv::Mat fill(roi.size(), roi.type(), colour);
  cv::addWeighted(fill, 0.35, roi, 0.65, 0, roi);
}

void series(cv::Mat& img, const Axes& ax, const std::vector<int>& days, const std::vector<float>& v, cv::Scalar colour) {
  cv::Point prev(-1, -1);
  for (std::size_t i = 0; i < days.size(); ++i) {
    if (!(v[i] > 0)) continue;
    const cv::Point p(ax.x(days[i]), ax.y(10.0 * std::log10(v[i])));
    if (prev.x >= 0) cv::line(img, prev, p, colour, 2, cv::LINE_AA);
    cv::circle(img, p, 3, colour, cv::FILLED, cv::LINE_AA);
    prev = p;
  }
}

}  // namespace

std::vector<std::uint8_t> claim_evidence_png(const EvidenceInput& in) {
  // ASCII only: OpenCV's Hershey fonts have no Vietnamese glyphs.
  cv::Mat img(kHeight, kWidth, CV_8UC3, cv::Scalar(255, 255, 255));
  const Axes ax{in.season_days};
  const auto& c = in.cycle;
  // Flooded period (blue), then dry periods (orange) on top of it.
  if (c.onset_day >= 0) shade(img, ax, c.onset_day, c.end_flooding_day, {235, 180, 120});
  // Each dry period: certainly dry between its dry dates (strong), possibly
  // from the day after the last flooded date to the day before re-flooding.
  for (const auto& e : c.events) {
    shade(img, ax, e.last_flooded_day + 1, e.first_reflooded_day, {120, 190, 255});
    shade(img, ax, e.first_dry_day - 1, e.last_dry_day + 1, {30, 120, 255});
  }
  if (c.harvest_day >= 0) shade(img, ax, c.harvest_day, in.season_days, {190, 190, 190});
  if (c.visible_until_day > 0) {
    cv::line(img, {ax.x(c.visible_until_day), kTop}, {ax.x(c.visible_until_day), kHeight - kBottom}, {120, 120, 120},
             1, cv::LINE_4);
    text(img, "canopy closed", {ax.x(c.visible_until_day) + 4, kTop + 14}, 0.4, {100, 100, 100});
  }
  // Axes, dB grid and date ticks every 15 days.
  cv::rectangle(img, {kLeft, kTop}, {kWidth - kRight, kHeight - kBottom}, {0, 0, 0}, 1);
  for (int db = -25; db <= -5; db += 5) {
    cv::line(img, {kLeft, ax.y(db)}, {kWidth - kRight, ax.y(db)}, {225, 225, 225}, 1);
    text(img, std::to_string(db) + " dB", {5, ax.y(db) + 4}, 0.4);
  }
  for (int d = 0; d <= in.season_days; d += 15) {
    cv::line(img, {ax.x(d), kHeight - kBottom}, {ax.x(d), kHeight - kBottom + 5}, {0, 0, 0}, 1);
    text(img, format_iso_date(in.season_start + std::chrono::days{d}).substr(5), {ax.x(d) - 18, kHeight - kBottom + 20},
         0.4);
  }
  series(img, ax, in.days, in.vv, {180, 80, 20});  // VV blue
  series(img, ax, in.days, in.vh, {40, 140, 40});  // VH green
  text(img, "claim " + in.claim_id + "  practice " + in.practice + "  verdict " + in.verdict, {kLeft, 20}, 0.55,
       {0, 0, 0});
  std::string detail;
  for (std::size_t i = 0; i < in.reason.size(); ++i) {
    const auto ch = static_cast<unsigned char>(in.reason[i]);
    if (ch < 0x80) {
      detail += static_cast<char>(ch);
    } else if ((ch & 0xC0) == 0xC0) {
      detail += '-';  // one stand-in per multi-byte UTF-8 character
    }
  }
  if (detail.size() > 110) detail = detail.substr(0, 107) + "...";
  text(img, detail, {kLeft, 40}, 0.4);
  text(img, "VV", {kWidth - 120, kHeight - 18}, 0.5, {180, 80, 20});
  text(img, "VH", {kWidth - 85, kHeight - 18}, 0.5, {40, 140, 40});
  text(img, "flooded", {kLeft, kHeight - 18}, 0.45, {200, 130, 60});
  text(img, "dry (detected)", {kLeft + 70, kHeight - 18}, 0.45, {30, 120, 255});
  text(img, "harvested", {kLeft + 195, kHeight - 18}, 0.45, {130, 130, 130});
  std::vector<std::uint8_t> png;
  cv::imencode(".png", img, png);
  return png;
}

}  // namespace paddymrv
