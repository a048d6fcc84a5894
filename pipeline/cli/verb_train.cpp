// `paddymrv train`: the crop classifier from reference samples (DESIGN §7).
#include <iostream>

#include "pipeline/cli/common_options.hpp"
#include "pipeline/cli/verbs.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/train_job.hpp"

namespace paddymrv::cli {

int verb_train(const std::vector<std::string>& args) {
  po::options_description desc(
      "paddymrv train — crop-type random forest from reference samples; prints and stores its validation\n\n"
      "Usage: paddymrv train --config FILE --samples REF.geojson --model OUT.yml [options]\n"
      "The model is written to --model (inputs.model), the same key `run` reads it from.\n\nOptions");
  add_common_options(desc);
  desc.add_options()("report", po::value<std::string>()->value_name("FILE"),
                     "validation report as JSON (default: the model path + .validation.json)")(
      "baseline", "also train the plain per-pixel baseline forest on the same samples and report its accuracy");
  po::variables_map vm;
  const std::optional<Config> parsed = parse_config_verb(args, desc, vm);
  if (!parsed) return kExitOk;  // --help
  const Config& cfg = *parsed;
  if (cfg.model.empty()) throw ConfigError("--model: where to write the model is required");
  TrainOptions opt;
  opt.model_path = cfg.resolve(cfg.model).string();
  opt.report_path = vm.count("report") ? vm["report"].as<std::string>() : opt.model_path + ".validation.json";
  opt.baseline = vm.count("baseline") > 0;
  const TrainSummary s = train_job(cfg, opt);
  std::cout << format_train_report(s);
  std::cout << "model: " << opt.model_path << "\nreport: " << opt.report_path << "\n";
  return kExitOk;
}

}  // namespace paddymrv::cli
