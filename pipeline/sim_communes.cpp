#include "pipeline/sim_communes.hpp"

#include <ogr_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <set>
#include <utility>

#include "kernels/sim_random.hpp"
#include "pipeline/errors.hpp"

namespace paddymrv::sim {

namespace ks = kernels::sim;

namespace {

// Commune and ward names of Lào Cai province, used in this order.
const char* const kNames[] = {
    "Tả Van",      "Bản Phiệt",     "Y Tý",          "Mường Hum",   "Cốc San",       "Sa Pả",
    "Lao Chải",    "Tả Phìn",       "Bản Hồ",        "Thanh Kim",   "Trung Chải",    "Ngũ Chỉ Sơn",
    "Mường Bo",    "Bản Khoang",    "Tả Giàng Phình", "Liên Minh",  "A Mú Sung",     "A Lù",
    "Trịnh Tường", "Quang Kim",     "Bản Qua",       "Phìn Ngan",   "Dền Sáng",      "Mường Vi",
    "Bản Vược",    "Bản Xèo",       "Nậm Chạc",      "Ngải Thầu",   "Sàng Ma Sáo",   "Tòng Sành",
    "Pa Cheo",     "Trung Lèng Hồ", "Dền Thàng",     "Phố Lu",      "Sơn Hải",       "Thái Niên",
    "Gia Phú",     "Xuân Quang",    "Phong Niên",    "Bản Cầm",     "Phú Nhuận",     "Sơn Hà",
    "Trì Quang",   "Xuân Giao",     "Bảo Nhai",      "Cốc Lầu",     "Nậm Đét",       "Lùng Phình",
    "Tả Van Chư",  "Na Hối",        "Bản Liền",      "Nậm Mòn",     "Lùng Cải",      "Hoàng Thu Phố",
    "Cốc Ly",      "Bản Phố",       "Pha Long",      "Tung Chung Phố", "Bản Lầu",    "Lùng Vai",
    "Nậm Chảy",    "Cao Sơn",       "La Pan Tẩn",    "Tả Ngải Chồ", "Dìn Chin",      "Sín Chéng",
    "Nàn Sán",     "Cán Cấu",       "Quan Hồ Thẩn",  "Lùng Thẩn",   "Sán Chải",      "Bản Mế",
    "Thào Chư Phìn", "Khánh Yên",   "Nậm Tha",       "Dương Quỳ",   "Minh Lương",    "Chiềng Ken",
    "Làng Giàng",  "Hòa Mạc",       "Nậm Chày",      "Thẩm Dương",  "Sơn Thủy",      "Võ Lao",
    "Nậm Xé",      "Nậm Dạng",      "Liêm Phú",      "Nghĩa Đô",    "Vĩnh Yên",      "Bảo Hà",
    "Tân Dương",   "Xuân Hòa",      "Thượng Hà",     "Điện Quan",   "Kim Sơn",       "Long Phúc",
    "Lương Sơn",   "Tân Tiến",      "Việt Tiến",     "Xuân Thượng", "Yên Sơn",       "Cam Đường",
    "Tả Phời",     "Hợp Thành",     "Vạn Hòa",       "Đồng Tuyển",
};
// Beyond the list (large benchmark presets): names built the way the
// region's Hmông/Dao/Tày place names are, from common first and second syllables.
const char* const kFirst[] = {"Nậm", "Bản", "Tả", "Lùng", "Sín", "Phìn", "Cốc", "Na", "Pà", "Mường", "Lao", "Sán", "Làng", "Thèn"};
const char* const kSecond[] = {"Chải", "Phố", "Sáng", "Thẩn", "Hồ",  "Mòn", "Cầm", "Khoang", "Xèo", "Lầu",
                               "Vai",  "Chư", "Ngan", "Liền",  "Pan", "Sử",  "Tủng", "Cang", "Lúc", "Lư"};

std::vector<std::string> commune_names(int n) {
  std::vector<std::string> out;
  std::set<std::string> used;
  for (const char* s : kNames) {
    if (static_cast<int>(out.size()) == n) return out;
    out.emplace_back(s);
    used.insert(s);
  }
  for (const char* a : kSecond)
    for (const char* b : kFirst) {
      if (static_cast<int>(out.size()) == n) return out;
      std::string name = std::string(b) + " " + a;
      if (used.insert(name).second) out.push_back(name);
    }
  for (int k = 2; static_cast<int>(out.size()) < n; ++k)  // only for absurd counts
    for (std::size_t i = 0; i < std::size(kNames) && static_cast<int>(out.size()) < n; ++i)
      out.push_back(std::string(kNames[i]) + " " + std::to_string(k));
  return out;
}

// A wavy, zig-zag boundary: two sinusoids plus alternating jitter, with
// amplitude ≤ 0.13 of the spacing between neighbouring boundaries, so that
// two boundaries never cross.
std::vector<double> wavy_values(double base, double spacing, double length, int n, ks::Rng& rng) {
  const double amp = 0.12 * spacing;
  const double l1 = rng.uniform(0.8, 1.6) * spacing, l2 = rng.uniform(0.2, 0.4) * spacing;
  const double p1 = rng.uniform(0, 2 * std::numbers::pi), p2 = rng.uniform(0, 2 * std::numbers::pi);
  std::vector<double> v(static_cast<std::size_t>(n) + 1);
  for (int i = 0; i <= n; ++i) {
    const double s = length * i / n;
    const double zig = (i % 2 ? 1.0 : -1.0) * rng.uniform(0, 0.06) * amp;
    v[static_cast<std::size_t>(i)] = base + amp * (0.6 * std::sin(2 * std::numbers::pi * s / l1 + p1) +
                                                   0.4 * std::sin(2 * std::numbers::pi * s / l2 + p2)) + zig;
  }
  return v;
}

int segments(double length) { return std::max(2, static_cast<int>(std::ceil(length / 23.7))); }

std::unique_ptr<OGRPolygon> polygon_of(const std::vector<std::pair<double, double>>& pts) {
  auto ring = std::make_unique<OGRLinearRing>();
  for (const auto& [x, y] : pts) ring->addPoint(x, y);
  ring->closeRings();
  auto poly = std::make_unique<OGRPolygon>();
  poly->addRingDirectly(ring.release());
  return poly;
}

// Keeps the polygonal part of an overlay result (GEOS may return a
// collection with stray points or lines where boundaries touch).
OGRGeometryUniquePtr polygonal(OGRGeometryUniquePtr g) {
  if (!g) return g;
  const auto type = wkbFlatten(g->getGeometryType());
  if (type == wkbPolygon || type == wkbMultiPolygon) return g;
  auto multi = std::make_unique<OGRMultiPolygon>();
  if (const auto* coll = dynamic_cast<const OGRGeometryCollection*>(g.get())) {
    for (const OGRGeometry* part : coll) {
      const auto pt = wkbFlatten(part->getGeometryType());
      if (pt == wkbPolygon) multi->addGeometry(part);
      if (pt == wkbMultiPolygon)
        for (const OGRGeometry* sub : part->toMultiPolygon()) multi->addGeometry(sub);
    }
  }
  if (multi->getNumGeometries() == 1) return OGRGeometryUniquePtr(multi->getGeometryRef(0)->clone());
  return OGRGeometryUniquePtr(multi.release());
}

}  // namespace

double CommunePartition::Curve::at(double s) const {
  const int n = static_cast<int>(values.size()) - 1;
  const double t = (s - start) / step;
  const int i = std::clamp(static_cast<int>(std::floor(t)), 0, n - 1);
  const double f = std::clamp(t - i, 0.0, 1.0);
  return values[static_cast<std::size_t>(i)] * (1 - f) + values[static_cast<std::size_t>(i) + 1] * f;
}

CommunePartition::CommunePartition(const SimulationParams& p) {
  x0_ = p.origin_x;
  y0_ = p.origin_y;
  x1_ = p.origin_x + p.width * 10.0;
  y1_ = p.origin_y - p.height * 10.0;
  const double wm = x1_ - x0_, hm = y0_ - y1_;
  const int n = p.n_communes;
  const int nrows = std::clamp(static_cast<int>(std::lround(std::sqrt(n * hm / wm))), 1, n);
  ks::Rng rng(p.seed, {ks::kStreamCommunes, 0});

  // Row boundaries across the full width.
  const double row_h = hm / nrows;
  const int nx = segments(wm);
  for (int k = 1; k < nrows; ++k) {
    Curve c{x0_, wm / nx, {}};
    c.values = wavy_values(y0_ - (k + rng.uniform(-0.1, 0.1)) * row_h, row_h, wm, nx, rng);
    rows_.push_back(std::move(c));
  }
  // Column boundaries per row, over the full height (clipped by the row).
  const int ny = segments(hm);
  int first = 0;
  for (int r = 0; r < nrows; ++r) {
    const int m = n / nrows + (r < n % nrows ? 1 : 0);
    const double col_w = wm / m;
    std::vector<Curve> cols;
    for (int k = 1; k < m; ++k) {
      Curve c{y0_, -hm / ny, {}};
      c.values = wavy_values(x0_ + (k + rng.uniform(-0.1, 0.1)) * col_w, col_w, hm, ny, rng);
      cols.push_back(std::move(c));
    }
    cols_.push_back(std::move(cols));
    row_first_.push_back(first);
    first += m;
  }

  // Polygons: column strip ∩ row band. Vertices are the curve samples, so
  // the polygons and index_at() agree.
  auto h_points = [&](int k, bool reverse) {  // row boundary k (−1 top edge, nrows−1 bottom edge)
    std::vector<std::pair<double, double>> pts;
    if (k < 0 || k >= nrows - 1) {
      const double y = k < 0 ? y0_ : y1_;
      pts = {{x0_, y}, {x1_, y}};
    } else {
      const Curve& c = rows_[static_cast<std::size_t>(k)];
      for (std::size_t i = 0; i < c.values.size(); ++i) pts.emplace_back(c.start + c.step * static_cast<double>(i), c.values[i]);
      pts.back().first = x1_;  // exactly on the edge
    }
    if (reverse) std::reverse(pts.begin(), pts.end());
    return pts;
  };
  auto v_points = [&](int r, int k, bool reverse) {  // column boundary k of row r (−1 left, m−1 right)
    std::vector<std::pair<double, double>> pts;
    const auto& cols = cols_[static_cast<std::size_t>(r)];
    if (k < 0 || k >= static_cast<int>(cols.size())) {
      const double x = k < 0 ? x0_ : x1_;
      pts = {{x, y0_}, {x, y1_}};
    } else {
      const Curve& c = cols[static_cast<std::size_t>(k)];
      for (std::size_t i = 0; i < c.values.size(); ++i) pts.emplace_back(c.values[i], c.start + c.step * static_cast<double>(i));
      pts.back().second = y1_;
    }
    if (reverse) std::reverse(pts.begin(), pts.end());
    return pts;
  };

  const std::vector<std::string> names = commune_names(n);
  for (int r = 0; r < nrows; ++r) {
    auto band_pts = h_points(r - 1, false);
    const auto bottom = h_points(r, true);
    band_pts.insert(band_pts.end(), bottom.begin(), bottom.end());
    const auto band = polygon_of(band_pts);
    const int m = static_cast<int>(cols_[static_cast<std::size_t>(r)].size()) + 1;
    for (int k = 0; k < m; ++k) {
      auto strip_pts = v_points(r, k - 1, false);
      const auto right = v_points(r, k, true);
      strip_pts.insert(strip_pts.end(), right.begin(), right.end());
      const auto strip = polygon_of(strip_pts);
      OGRGeometryUniquePtr cell = polygonal(OGRGeometryUniquePtr(strip->Intersection(band.get())));
      const int index = static_cast<int>(polygons_.size());
      if (!cell || cell->IsEmpty())
        throw Error("simulate: internal error: commune " + std::to_string(index) + " came out empty");
      char code[32];
      std::snprintf(code, sizeof code, "08.%03d.%02d", 1 + index / 20, 1 + index % 20);
      codes_.emplace_back(code);
      names_.push_back(names[static_cast<std::size_t>(index)]);
      polygons_.push_back(std::move(cell));
    }
  }
}

double CommunePartition::area_m2(int i) const {
  return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&polygon(i))));
}

int CommunePartition::index_at(double x, double y) const {
  if (x < x0_ || x >= x1_ || y > y0_ || y <= y1_) return -1;
  int r = 0;
  while (r < static_cast<int>(rows_.size()) && y < rows_[static_cast<std::size_t>(r)].at(x)) ++r;
  const auto& cols = cols_[static_cast<std::size_t>(r)];
  int k = 0;
  while (k < static_cast<int>(cols.size()) && x >= cols[static_cast<std::size_t>(k)].at(y)) ++k;
  return row_first_[static_cast<std::size_t>(r)] + k;
}

}  // namespace paddymrv::sim
