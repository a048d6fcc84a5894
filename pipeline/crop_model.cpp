#include "pipeline/crop_model.hpp"

#include <stdexcept>
#include <utility>

#include "pipeline/errors.hpp"

namespace paddymrv {

void CropModel::set_forest(cv::Ptr<cv::ml::RTrees> f) {
  flat_forest = kernels::FlatForest(*f);
  forest = std::move(f);
}

int CropModel::class_index(int code) const {
  for (std::size_t i = 0; i < classes.size(); ++i)
    if (classes[i].code == code) return static_cast<int>(i);
  return -1;
}

const kernels::ConfusionMatrix& CropModel::validation_for(const std::string& post_processing, bool& of_map) const {
  of_map = map_validation.k > 0 && map_post_processing == post_processing;
  return of_map ? map_validation : validation;
}

void save_crop_model(const CropModel& m, const std::string& path) {
  try {
    cv::FileStorage fs(path, cv::FileStorage::WRITE);
    if (!fs.isOpened()) throw Error(path + ": cannot write the model");
    fs << "format" << "paddymrv-crop-model";
    fs << "format_version" << CropModel::kFormatVersion;
    fs << "s2_steps" << m.layout.s2_steps << "s1_steps" << m.layout.s1_steps;
    fs << "cloud_dilation" << m.cloud_dilation;
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
    fs << "metadata" << "{";
    for (const auto& [k, v] : m.metadata) fs << k << v;
    fs << "}";
    fs << "forest" << "{";
    m.forest->write(fs);
    fs << "}";
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
    if (static_cast<int>(fs["format_version"]) != CropModel::kFormatVersion)
      throw InputError(path + ": crop model format_version " + std::to_string(static_cast<int>(fs["format_version"])) +
                       " is not supported; retrain with this version");
    m.layout.s2_steps = static_cast<int>(fs["s2_steps"]);
    m.layout.s1_steps = static_cast<int>(fs["s1_steps"]);
    m.cloud_dilation = static_cast<int>(fs["cloud_dilation"]);
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
    const cv::FileNode meta = fs["metadata"];
    for (auto it = meta.begin(); it != meta.end(); ++it) m.metadata[(*it).name()] = static_cast<std::string>(*it);
    auto forest = cv::ml::RTrees::create();
    forest->read(fs["forest"]);
    if (!forest->isTrained()) throw InputError(path + ": the model holds no trained forest");
    m.set_forest(std::move(forest));
  } catch (const cv::Exception& e) {
    throw InputError(path + ": cannot read the crop model: " + e.what());
  } catch (const std::invalid_argument& e) {
    throw InputError(path + ": cannot use the crop model's forest: " + e.what());
  }
  return m;
}

}  // namespace paddymrv
