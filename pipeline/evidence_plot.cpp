#include "pipeline/evidence_plot.hpp"

#include <png.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <new>

#include "pipeline/dates.hpp"
#include "pipeline/errors.hpp"

namespace paddymrv {

namespace {
// Margins of the plot area in the picture.
constexpr int kLeft = 60, kRight = 44, kTop = 50, kBottom = 60;
}  // namespace

namespace evidence {

namespace {

// Flat colours: the shades are what the earlier anti-aliased picture showed
// by blending its colours over white at 35 %, now opaque so that the
// picture stays a palette of a few entries (PNG colour type 3).
constexpr Rgb kPalette[] = {
    {255, 255, 255},  // paper
    {0, 0, 0},        // black: frame, title
    {40, 40, 40},     // text
    {225, 225, 225},  // grid
    {208, 229, 248},  // flooded
    {252, 228, 200},  // maybe_dry: between the last flooded and the first re-flooded date
    {243, 178, 128},  // dry: between the dates observed dry
    {212, 212, 212},  // harvested
    {20, 80, 180},    // vv
    {40, 140, 40},    // vh
    {200, 30, 40},    // ndvi
    {130, 60, 190},   // lswi
    {120, 120, 120},  // canopy_line
    {100, 100, 100},  // note
    {60, 130, 200},   // flooded_text
    {225, 110, 20},   // dry_text
};
static_assert(std::size(kPalette) == static_cast<std::size_t>(Ink::count), "one colour per Ink");

}  // namespace

Rgb rgb(Ink ink) { return kPalette[static_cast<std::size_t>(ink)]; }

int x_of_day(int season_days, double day) {
  return kLeft + static_cast<int>(std::lround(day / std::max(1, season_days) * (kWidth - kLeft - kRight)));
}

namespace {
int y_of(double v, double lo, double hi) {
  const double f = (std::clamp(v, lo, hi) - lo) / (hi - lo);
  return kHeight - kBottom - static_cast<int>(std::lround(f * (kHeight - kTop - kBottom)));
}
}  // namespace

int y_of_db(double db) { return y_of(db, kDbMin, kDbMax); }
int y_of_index(double value) { return y_of(value, kIndexMin, kIndexMax); }

}  // namespace evidence

namespace {

using evidence::Ink;
using evidence::kHeight;
using evidence::kWidth;

// Palette index as a drawing colour of the CV_8UC1 index image. Everything is
// drawn with LINE_8 / LINE_4: anti-aliasing would invent colours the palette
// does not hold.
cv::Scalar ink(Ink i) { return cv::Scalar(static_cast<int>(i)); }

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale = 0.45, Ink colour = Ink::text) {
  cv::putText(img, s, at, kFont, scale, ink(colour), 1, cv::LINE_8);
}
int text_width(const std::string& s, double scale) {
  int baseline = 0;
  return cv::getTextSize(s, kFont, scale, 1, &baseline).width;
}

void shade(cv::Mat& img, int season_days, double d0, double d1, Ink colour) {
  if (d1 <= d0) return;
  const int x0 = evidence::x_of_day(season_days, d0), x1 = evidence::x_of_day(season_days, d1);
  if (x1 <= x0) return;
  cv::rectangle(img, cv::Rect(cv::Point(x0, kTop), cv::Point(x1, kHeight - kBottom)), ink(colour), cv::FILLED,
                cv::LINE_4);
}

void series(cv::Mat& img, int season_days, const std::vector<int>& days, const std::vector<float>& v, Ink colour) {
  cv::Point prev(-1, -1);
  for (std::size_t i = 0; i < days.size(); ++i) {
    if (!(v[i] > 0)) continue;
    const cv::Point p(evidence::x_of_day(season_days, days[i]), evidence::y_of_db(10.0 * std::log10(v[i])));
    if (prev.x >= 0) cv::line(img, prev, p, ink(colour), 2, cv::LINE_8);
    cv::circle(img, p, 3, ink(colour), cv::FILLED, cv::LINE_8);
    prev = p;
  }
}

// NDVI: filled square; LSWI: filled triangle (shape and colour both differ,
// so the two read apart in grey print too).
void ndvi_marker(cv::Mat& img, cv::Point p) {
  cv::rectangle(img, cv::Rect(p.x - 3, p.y - 3, 7, 7), ink(Ink::ndvi), cv::FILLED, cv::LINE_8);
}
void lswi_marker(cv::Mat& img, cv::Point p) {
  const cv::Point tri[3] = {{p.x, p.y - 4}, {p.x - 4, p.y + 3}, {p.x + 4, p.y + 3}};
  cv::fillConvexPoly(img, tri, 3, ink(Ink::lswi), cv::LINE_8);
}

// One legend entry: a symbol, then its label; returns where the next starts.
enum class Symbol { swatch, line, ndvi, lswi, none };
struct LegendItem {
  Symbol symbol;
  Ink colour;
  std::string label;
  Ink label_colour;
};
constexpr double kLegendScale = 0.42;
constexpr int kSymbolWidth = 14, kLegendGap = 14;
int legend_width(const LegendItem& it) {
  return (it.symbol == Symbol::none ? 0 : kSymbolWidth + 4) + text_width(it.label, kLegendScale) + kLegendGap;
}
int legend_item(cv::Mat& img, int x, int baseline, const LegendItem& it) {
  const cv::Point mid(x + kSymbolWidth / 2, baseline - 4);
  switch (it.symbol) {
    case Symbol::swatch:
      cv::rectangle(img, cv::Rect(x, baseline - 9, kSymbolWidth, 10), ink(it.colour), cv::FILLED, cv::LINE_4);
      break;
    case Symbol::line:
      cv::line(img, {x, mid.y}, {x + kSymbolWidth, mid.y}, ink(it.colour), 2, cv::LINE_8);
      cv::circle(img, mid, 3, ink(it.colour), cv::FILLED, cv::LINE_8);
      break;
    case Symbol::ndvi: ndvi_marker(img, mid); break;
    case Symbol::lswi: lswi_marker(img, mid); break;
    case Symbol::none: break;
  }
  if (it.symbol != Symbol::none) x += kSymbolWidth + 4;
  text(img, it.label, {x, baseline}, kLegendScale, it.label_colour);
  return x + text_width(it.label, kLegendScale) + kLegendGap;
}

// --- PNG encoding (libpng). libpng reports errors through the error callback,
// which must not return; it longjmps back to the setjmp in write_png_rows.
// C++ exceptions must never cross libpng's C frames, so the callbacks catch
// everything and the longjmp only crosses frames without destructors.
struct PngSink {
  std::vector<std::uint8_t>* out = nullptr;
  bool out_of_memory = false;
  char error[256] = {};
};

void png_append(png_structp png, png_bytep data, png_size_t n) {
  auto* sink = static_cast<PngSink*>(png_get_io_ptr(png));
  if (sink->out_of_memory) return;
  try {
    sink->out->insert(sink->out->end(), data, data + n);
  } catch (...) {
    sink->out_of_memory = true;  // reported once libpng is done
  }
}
void png_no_flush(png_structp) {}
[[noreturn]] void png_fail(png_structp png, png_const_charp message) {
  auto* sink = static_cast<PngSink*>(png_get_error_ptr(png));
  std::snprintf(sink->error, sizeof sink->error, "%s", message ? message : "unknown error");
  png_longjmp(png, 1);
}
void png_ignore_warning(png_structp, png_const_charp) {}

class PngWriteStruct {
 public:
  explicit PngWriteStruct(PngSink& sink)
      : png_(png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, png_fail, png_ignore_warning)) {
    if (png_) info_ = png_create_info_struct(png_);
    if (!png_ || !info_) {
      png_destroy_write_struct(&png_, &info_);
      throw std::bad_alloc();
    }
  }
  ~PngWriteStruct() { png_destroy_write_struct(&png_, &info_); }
  PngWriteStruct(const PngWriteStruct&) = delete;
  PngWriteStruct& operator=(const PngWriteStruct&) = delete;
  png_structp png() const { return png_; }
  png_infop info() const { return info_; }

 private:
  png_structp png_ = nullptr;
  png_infop info_ = nullptr;
};

// One row of palette indices (a byte per pixel) as PNG stores it: as is at
// 8 bits, two pixels per byte (high nibble first) at 4 bits.
void pack_row(const std::uint8_t* src, int width, int bit_depth, std::uint8_t* dst) {
  if (bit_depth == 8) {
    std::copy(src, src + width, dst);
    return;
  }
  for (int x = 0; x + 1 < width; x += 2) dst[x / 2] = static_cast<std::uint8_t>((src[x] << 4) | (src[x + 1] & 15));
  if (width % 2) dst[width / 2] = static_cast<std::uint8_t>(src[width - 1] << 4);
}

// All libpng calls that may fail. Returns false when libpng reported an
// error (it longjmps to the setjmp here). Only trivially destructible
// objects live in this frame, so the jump skips no destructor; `row` is the
// caller's buffer of one packed row.
//
// Settings measured on typical pictures (scratch timing loop, issue #6): a
// palette of ≤ 16 entries is stored at 4 bits per pixel, which halves what
// zlib must read; no prediction filter (the PNG spec's advice for palette
// images); zlib level 2. Per picture: level 2 ≈ 12 kB in ≈ 1.2 ms, level 6
// ≈ 9 kB in ≈ 3.5 ms, 8 bits at level 2 ≈ 18 kB in ≈ 2 ms; the earlier
// anti-aliased RGB picture ≈ 100 kB in ≈ 6 ms (drawing included).
bool write_png_rows(png_structp png, png_infop info, const cv::Mat* image, int bit_depth, std::uint8_t* row,
                    const png_color* palette, int colours) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_IHDR(png, info, static_cast<png_uint_32>(image->cols), static_cast<png_uint_32>(image->rows), bit_depth,
               PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_PLTE(png, info, palette, colours);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_compression_level(png, 2);
  png_write_info(png, info);
  for (int y = 0; y < image->rows; ++y) {
    pack_row(image->ptr<std::uint8_t>(y), image->cols, bit_depth, row);
    png_write_row(png, row);
  }
  png_write_end(png, nullptr);
  return true;
}

std::vector<std::uint8_t> encode_palette_png(const cv::Mat& index_image) {
  CV_Assert(index_image.type() == CV_8UC1);
  std::array<png_color, static_cast<std::size_t>(Ink::count)> palette{};
  for (std::size_t i = 0; i < palette.size(); ++i) {
    const auto c = evidence::rgb(static_cast<Ink>(i));
    palette[i] = {c[0], c[1], c[2]};
  }
  const int bit_depth = palette.size() <= 16 ? 4 : 8;
  std::vector<std::uint8_t> row(static_cast<std::size_t>(index_image.cols));
  std::vector<std::uint8_t> out;
  out.reserve(32 * 1024);
  PngSink sink;
  sink.out = &out;
  const PngWriteStruct w(sink);
  png_set_write_fn(w.png(), &sink, png_append, png_no_flush);
  if (!write_png_rows(w.png(), w.info(), &index_image, bit_depth, row.data(), palette.data(),
                      static_cast<int>(palette.size())))
    throw Error(std::string("evidence picture: libpng: ") + sink.error);
  if (sink.out_of_memory) throw std::bad_alloc();
  return out;
}

}  // namespace

std::vector<std::uint8_t> claim_evidence_png(const EvidenceInput& in) {
  // ASCII only: OpenCV's Hershey fonts have no Vietnamese glyphs.
  cv::Mat img(kHeight, kWidth, CV_8UC1, ink(Ink::paper));
  const int sd = in.season_days;
  const auto& c = in.cycle;
  // Flooded period, then the dry periods on top of it, then the harvest.
  if (c.onset_day >= 0) shade(img, sd, c.onset_day, c.end_flooding_day, Ink::flooded);
  // Each dry period: certainly dry between its dry dates (strong), possibly
  // from the day after the last flooded date to the day before re-flooding.
  for (const auto& e : c.events) shade(img, sd, e.last_flooded_day + 1, e.first_reflooded_day, Ink::maybe_dry);
  for (const auto& e : c.events) shade(img, sd, e.first_dry_day - 1, e.last_dry_day + 1, Ink::dry);
  if (c.harvest_day >= 0) shade(img, sd, c.harvest_day, sd, Ink::harvested);
  if (c.visible_until_day > 0) {
    const int x = evidence::x_of_day(sd, c.visible_until_day);
    cv::line(img, {x, kTop}, {x, kHeight - kBottom}, ink(Ink::canopy_line), 1, cv::LINE_4);
    text(img, "canopy closed", {x + 4, kTop + 14}, 0.4, Ink::note);
  }
  // Axes: dB grid on the left, index ticks on the right, date ticks every 15 days.
  for (int db = -25; db <= -5; db += 5) {
    const int y = evidence::y_of_db(db);
    cv::line(img, {kLeft, y}, {kWidth - kRight, y}, ink(Ink::grid), 1, cv::LINE_4);
    text(img, std::to_string(db) + " dB", {5, y + 4}, 0.4);
  }
  cv::rectangle(img, {kLeft, kTop}, {kWidth - kRight, kHeight - kBottom}, ink(Ink::black), 1, cv::LINE_4);
  for (int k = -2; k <= 5; ++k) {
    const double v = 0.2 * k;
    const int y = evidence::y_of_index(v);
    cv::line(img, {kWidth - kRight, y}, {kWidth - kRight + 4, y}, ink(Ink::black), 1, cv::LINE_4);
    char label[8];
    std::snprintf(label, sizeof label, "%.1f", v);
    text(img, label, {kWidth - kRight + 7, y + 4}, 0.4);
  }
  text(img, "index", {kWidth - kRight + 2, kTop - 4}, 0.4);
  for (int d = 0; d <= sd; d += 15) {
    const int x = evidence::x_of_day(sd, d);
    cv::line(img, {x, kHeight - kBottom}, {x, kHeight - kBottom + 5}, ink(Ink::black), 1, cv::LINE_4);
    text(img, format_iso_date(in.season_start + std::chrono::days{d}).substr(5), {x - 18, kHeight - kBottom + 20},
         0.4);
  }
  series(img, sd, in.days, in.vv, Ink::vv);
  series(img, sd, in.days, in.vh, Ink::vh);
  // Clear-sky optical points: no lines between them (clouds hide the dates between).
  for (const auto& p : in.optical) {
    const int x = evidence::x_of_day(sd, p.day);
    ndvi_marker(img, {x, evidence::y_of_index(p.ndvi)});
    lswi_marker(img, {x, evidence::y_of_index(p.lswi)});
  }

  text(img, "claim " + in.claim_id + "  practice " + in.practice + "  verdict " + in.verdict, {kLeft, 20}, 0.55,
       Ink::black);
  std::string detail;
  for (std::size_t i = 0; i < in.reason.size(); ++i) {
    const auto ch = static_cast<unsigned char>(in.reason[i]);
    if (ch < 0x80) {
      detail += static_cast<char>(ch);
    } else if ((ch & 0xC0) == 0xC0) {
      detail += '-';  // one stand-in per multi-byte UTF-8 character
    }
  }
  if (detail.size() > 100) detail = detail.substr(0, 97) + "...";
  text(img, detail, {kLeft, 40}, 0.4);

  // Legend: the shades from the left, the series from the right.
  const int baseline = kHeight - 14;
  int x = 10;
  for (const LegendItem& it : {LegendItem{Symbol::swatch, Ink::flooded, "flooded", Ink::flooded_text},
                               LegendItem{Symbol::swatch, Ink::dry, "dry (detected)", Ink::dry_text},
                               LegendItem{Symbol::swatch, Ink::maybe_dry, "possibly dry", Ink::dry_text},
                               LegendItem{Symbol::swatch, Ink::harvested, "harvested", Ink::note}})
    x = legend_item(img, x, baseline, it);
  std::vector<LegendItem> right = {{Symbol::line, Ink::vv, "VV", Ink::vv}, {Symbol::line, Ink::vh, "VH", Ink::vh}};
  if (in.optical.empty()) {
    right.push_back({Symbol::none, Ink::text, "no clear Sentinel-2 view", Ink::text});
  } else {
    const std::size_t n = in.optical.size();
    char count[48];
    std::snprintf(count, sizeof count, "(%zu clear Sentinel-2 date%s)", n, n == 1 ? "" : "s");
    right.push_back({Symbol::ndvi, Ink::ndvi, "NDVI", Ink::ndvi});
    right.push_back({Symbol::lswi, Ink::lswi, "LSWI", Ink::lswi});
    right.push_back({Symbol::none, Ink::text, count, Ink::text});
  }
  int width = 0;
  for (const auto& it : right) width += legend_width(it);
  x = std::max(x, kWidth - width);
  for (const auto& it : right) x = legend_item(img, x, baseline, it);
  return encode_palette_png(img);
}

}  // namespace paddymrv
