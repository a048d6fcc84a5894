#include "pipeline/crop_model.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "pipeline/errors.hpp"
#include "pipeline/toml_text.hpp"

namespace paddymrv {

void CropModel::set_forests(cv::Ptr<cv::ml::RTrees> pixel, cv::Ptr<cv::ml::RTrees> context) {
  if ((context_radius > 0) != static_cast<bool>(context))
    throw std::invalid_argument("a context forest is needed exactly when context_radius > 0");
  // The pixel forest reads the row's first size() columns (which also
  // checks, at load, that it learnt this layout), the context forest the
  // optical ones and the appended radar means.
  std::vector<int> own(static_cast<std::size_t>(layout.size()));
  for (std::size_t j = 0; j < own.size(); ++j) own[j] = static_cast<int>(j);
  kernels::FlatForest committee(*pixel, own, row_width());
  if (context) committee.add_trees(kernels::FlatForest(*context, layout.context_columns(), row_width()));
  flat_forest = std::move(committee);
  forest = std::move(pixel);
  context_forest = std::move(context);
}

int CropModel::class_index(int code) const {
  for (std::size_t i = 0; i < classes.size(); ++i)
    if (classes[i].code == code) return static_cast<int>(i);
  return -1;
}

CropModel::ValidationView CropModel::validation_for(const std::string& post_processing) const {
  if (map_validation.k > 0 && map_post_processing == post_processing)
    return {map_validation, map_validation_polygons, true};
  return {validation, validation_polygons, false};
}

namespace {

// Polygons as one flat list: reference class, then pixels per map class.
std::vector<int> flatten(const std::vector<kernels::ValidationPolygon>& polygons, std::size_t classes) {
  std::vector<int> v;
  for (const auto& p : polygons) {
    v.push_back(p.reference);
    for (std::size_t c = 0; c < classes; ++c) v.push_back(c < p.mapped.size() ? static_cast<int>(p.mapped[c]) : 0);
  }
  return v;
}

std::vector<kernels::ValidationPolygon> unflatten(const std::vector<int>& v, std::size_t classes,
                                                  const std::string& path, const char* key) {
  if (v.size() % (classes + 1) != 0) throw InputError(path + ": " + key + " has the wrong size");
  std::vector<kernels::ValidationPolygon> out;
  for (std::size_t i = 0; i < v.size(); i += classes + 1) {
    kernels::ValidationPolygon p;
    p.reference = v[i];
    if (p.reference < 0 || static_cast<std::size_t>(p.reference) >= classes)
      throw InputError(path + ": " + key + " names a class outside the class table");
    p.mapped.assign(v.begin() + static_cast<std::ptrdiff_t>(i + 1), v.begin() + static_cast<std::ptrdiff_t>(i + 1 + classes));
    if (std::any_of(p.mapped.begin(), p.mapped.end(), [](std::int64_t n) { return n < 0; }))
      throw InputError(path + ": " + key + " holds a negative pixel count");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::string describe_radar_context(int radius, double bandwidth) {
  if (radius == 0) return "off";
  return "radius=" + std::to_string(radius) + " bandwidth=" + toml_float(bandwidth);
}

std::string CropModel::describe_context() const { return describe_radar_context(context_radius, context_bandwidth); }

void save_crop_model(const CropModel& m, const std::string& path) {
  try {
    cv::FileStorage fs(path, cv::FileStorage::WRITE);
    if (!fs.isOpened()) throw Error(path + ": cannot write the model");
    fs << "format" << "paddymrv-crop-model";
    fs << "format_version" << (m.context_radius > 0 ? CropModel::kFormatVersion : 1);
    fs << "s2_steps" << m.layout.s2_steps << "s1_steps" << m.layout.s1_steps;
    fs << "cloud_dilation" << m.cloud_dilation;
    fs << "context_radius" << m.context_radius;
    fs << "context_bandwidth" << m.context_bandwidth;
    fs << "features" << "[";
    for (const auto& f : m.feature_names) fs << f;
    fs << "]";
    fs << "classes" << "[";
    for (const auto& c : m.classes) fs << "{" << "code" << c.code << "name" << c.name << "}";
    fs << "]";
    std::vector<int> cm(m.validation.n.begin(), m.validation.n.end());
    fs << "validation_confusion" << cm;
    if (m.map_validation.k > 0) {
      std::vector<int> mm(m.map_validation.n.begin(), m.map_validation.n.end());
      fs << "map_validation_confusion" << mm;
      fs << "map_post_processing" << m.map_post_processing;
    }
    if (!m.validation_polygons.empty()) fs << "validation_polygons" << flatten(m.validation_polygons, m.classes.size());
    if (!m.map_validation_polygons.empty())
      fs << "map_validation_polygons" << flatten(m.map_validation_polygons, m.classes.size());
    if (!m.validation_pixels.empty()) {
      std::vector<double> xy;
      std::vector<int> cls;
      for (const auto& v : m.validation_pixels) {
        xy.push_back(v.x), xy.push_back(v.y);
        cls.push_back(v.unit), cls.push_back(v.forest), cls.push_back(v.map);
      }
      fs << "validation_pixel_xy" << xy;               // x, y per pixel
      fs << "validation_pixel_unit_classes" << cls;    // unit, forest class, map class per pixel
      fs << "validation_pixel_crs" << m.validation_crs_wkt;
    }
    fs << "metadata" << "{";
    for (const auto& [k, v] : m.metadata) fs << k << v;
    fs << "}";
    fs << "forest" << "{";
    m.forest->write(fs);
    fs << "}";
    if (m.context_forest) {
      fs << "context_forest" << "{";
      m.context_forest->write(fs);
      fs << "}";
    }
  } catch (const cv::Exception& e) {
    throw Error(path + ": cannot write the model: " + e.what());
  }
}

CropModel load_crop_model(const std::string& path) {
  CropModel m;
  try {
    cv::FileStorage fs(path, cv::FileStorage::READ);
    if (!fs.isOpened()) throw InputError(path + ": cannot open the crop model");
    if (static_cast<std::string>(fs["format"]) != "paddymrv-crop-model")
      throw InputError(path + ": not a paddymrv crop model (written by `paddymrv train`)");
    const int version = static_cast<int>(fs["format_version"]);
    if (version < 1 || version > CropModel::kFormatVersion)
      throw InputError(path + ": crop model format_version " + std::to_string(version) +
                       " is not supported; retrain with this version");
    if (version == 2)
      throw InputError(path + ": crop model format_version 2 (one forest on the radar context alone) is no longer "
                              "applied; retrain with this version (the context is now a second forest)");
    m.layout.s2_steps = static_cast<int>(fs["s2_steps"]);
    m.layout.s1_steps = static_cast<int>(fs["s1_steps"]);
    m.cloud_dilation = static_cast<int>(fs["cloud_dilation"]);
    if (!fs["context_radius"].empty()) {
      m.context_radius = static_cast<int>(fs["context_radius"]);
      m.context_bandwidth = static_cast<double>(fs["context_bandwidth"]);
      if (m.context_radius < 0 || m.context_radius > 20 || !(m.context_bandwidth > 0))
        throw InputError(path + ": context_radius must be 0–20 and context_bandwidth > 0");
      if (m.context_radius > 0 && version < 3)
        throw InputError(path + ": a model with a field context must be format_version 3");
    }
    for (const auto& f : fs["features"]) m.feature_names.push_back(static_cast<std::string>(f));
    if (m.feature_names != m.layout.names())
      throw InputError(path + ": the model's feature list differs from the features this version computes; retrain");
    for (const auto& c : fs["classes"])
      m.classes.push_back({static_cast<int>(c["code"]), static_cast<std::string>(c["name"])});
    std::vector<int> cm;
    fs["validation_confusion"] >> cm;
    m.validation = kernels::ConfusionMatrix(static_cast<int>(m.classes.size()));
    if (cm.size() != m.validation.n.size()) throw InputError(path + ": validation_confusion has the wrong size");
    std::copy(cm.begin(), cm.end(), m.validation.n.begin());
    if (!fs["map_validation_confusion"].empty()) {
      std::vector<int> mm;
      fs["map_validation_confusion"] >> mm;
      m.map_validation = kernels::ConfusionMatrix(static_cast<int>(m.classes.size()));
      if (mm.size() != m.map_validation.n.size()) throw InputError(path + ": map_validation_confusion has the wrong size");
      std::copy(mm.begin(), mm.end(), m.map_validation.n.begin());
      m.map_post_processing = static_cast<std::string>(fs["map_post_processing"]);
    }
    for (auto [key, polygons, matrix] : {std::tuple{"validation_polygons", &m.validation_polygons, &m.validation},
                                         std::tuple{"map_validation_polygons", &m.map_validation_polygons,
                                                    &m.map_validation}}) {
      if (fs[key].empty()) continue;
      std::vector<int> v;
      fs[key] >> v;
      *polygons = unflatten(v, m.classes.size(), path, key);
      // The polygons must add up to their matrix, or the intervals would
      // describe another sample than the areas.
      if (kernels::confusion_of(*polygons, static_cast<int>(m.classes.size())).n != matrix->n)
        throw InputError(path + ": " + key + " do not add up to their confusion matrix");
    }
    if (!fs["validation_pixel_xy"].empty()) {
      std::vector<double> xy;
      std::vector<int> cls;
      fs["validation_pixel_xy"] >> xy;
      fs["validation_pixel_unit_classes"] >> cls;
      const std::size_t n = xy.size() / 2, C = m.classes.size();
      if (xy.size() != 2 * n || cls.size() != 3 * n)
        throw InputError(path + ": validation_pixel_xy and validation_pixel_unit_classes disagree in size");
      // They must be the pixels the per-unit validations count, or the
      // commune areas would be corrected with another sample than the province's.
      std::vector<kernels::ValidationPolygon> forest(m.validation_polygons.size()), map(forest.size());
      for (std::size_t u = 0; u < forest.size(); ++u) {
        forest[u] = map[u] = {m.validation_polygons[u].reference, std::vector<std::int64_t>(C, 0)};
      }
      for (std::size_t i = 0; i < n; ++i) {
        const CropModel::ValidationPixel v{xy[2 * i], xy[2 * i + 1], cls[3 * i], cls[3 * i + 1], cls[3 * i + 2]};
        const bool ok = v.unit >= 0 && static_cast<std::size_t>(v.unit) < forest.size() && v.forest >= 0 &&
                        static_cast<std::size_t>(v.forest) < C && v.map >= -1 && v.map < static_cast<int>(C);
        if (!ok) throw InputError(path + ": validation pixel " + std::to_string(i) + " names no unit or class");
        ++forest[static_cast<std::size_t>(v.unit)].mapped[static_cast<std::size_t>(v.forest)];
        if (v.map >= 0) ++map[static_cast<std::size_t>(v.unit)].mapped[static_cast<std::size_t>(v.map)];
        m.validation_pixels.push_back(v);
      }
      const bool map_classes = std::any_of(m.validation_pixels.begin(), m.validation_pixels.end(),
                                           [](const CropModel::ValidationPixel& v) { return v.map >= 0; });
      if (forest != m.validation_polygons || (map_classes && map != m.map_validation_polygons))
        throw InputError(path + ": the validation pixels do not add up to the validation units");
      m.validation_crs_wkt = static_cast<std::string>(fs["validation_pixel_crs"]);
      if (m.validation_crs_wkt.empty())
        throw InputError(path + ": validation_pixel_xy without validation_pixel_crs (the CRS of its coordinates)");
    }
    const cv::FileNode meta = fs["metadata"];
    for (auto it = meta.begin(); it != meta.end(); ++it) m.metadata[(*it).name()] = static_cast<std::string>(*it);
    auto read_forest = [&](const char* key) {
      auto f = cv::ml::RTrees::create();
      f->read(fs[key]);
      if (!f->isTrained()) throw InputError(path + ": the model holds no trained " + key);
      return f;
    };
    auto forest = read_forest("forest");
    const bool has_context = !fs["context_forest"].empty();
    if (has_context != (m.context_radius > 0))
      throw InputError(path + (has_context ? ": a context_forest without a context_radius"
                                           : ": a field context without its context_forest"));
    m.set_forests(std::move(forest), has_context ? read_forest("context_forest") : nullptr);
  } catch (const cv::Exception& e) {
    throw InputError(path + ": cannot read the crop model: " + e.what());
  } catch (const std::invalid_argument& e) {
    throw InputError(path + ": cannot use the crop model's forest: " + e.what());
  }
  return m;
}

}  // namespace paddymrv
