// `paddymrv simulate`: writes a simulated season with ground truth in the
// input contract (pipeline/simulator.hpp).
#include <tbb/global_control.h>

#include <iostream>
#include <memory>

#include "pipeline/cli/common_options.hpp"
#include "pipeline/cli/verbs.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/simulator.hpp"

namespace paddymrv::cli {

int verb_simulate(const std::vector<std::string>& args) {
  po::options_description desc(
      "paddymrv simulate — write a simulated season (Sentinel-1/2 scenes, communes, reference samples,\n"
      "claims, a ready paddymrv.toml) with its ground truth in truth/\n\n"
      "Usage: paddymrv simulate --out DIR [--preset demo] [--seed N] [--set key=value ...]\n"
      "       paddymrv simulate --list-params [--preset NAME] [--set key=value ...]\n\nOptions");
  desc.add_options()("help,h", "show this help and exit")(
      "out,o", po::value<std::string>()->value_name("DIR"), "output folder (created; existing files are replaced)")(
      "preset", po::value<std::string>()->default_value("demo")->value_name("NAME"),
      "demo (400×300 px, 4 communes), bench-s (800×800), bench-m (1600×1600), bench-l (3200×3200)")(
      "params", po::value<std::string>()->value_name("FILE"),
      "start from a simulation.toml written by an earlier run (applied after --preset)")(
      "seed", po::value<std::string>()->value_name("N"), "random seed (same as --set seed=N)")(
      "set", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
      "set one parameter; repeatable; see --list-params")(
      "list-params", "print every parameter with its value and documentation, then exit")(
      "threads", po::value<int>()->value_name("N"), "worker threads (default: all cores)")(
      "log-format", po::value<std::string>()->default_value("text")->value_name("text|json"),
      "log lines as plain text or JSON lines")("log-file", po::value<std::string>()->value_name("FILE"),
                                               "append the log to FILE instead of stderr")(
      "quiet,q", "log warnings and errors only")("verbose,v", "log debug detail");
  po::variables_map vm;
  try {
    parse(args, desc, vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return kExitOk;
    }
    configure_logging(vm);
    sim::SimulationParams params = sim::preset(vm["preset"].as<std::string>());
    if (vm.count("params")) sim::load_params_toml(params, vm["params"].as<std::string>());
    if (vm.count("seed")) sim::set_param(params, "seed", vm["seed"].as<std::string>());
    if (vm.count("set")) {
      for (const std::string& kv : vm["set"].as<std::vector<std::string>>()) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
          throw ConfigError("--set expects KEY=VALUE, got '" + kv + "'");
        sim::set_param(params, kv.substr(0, eq), kv.substr(eq + 1));
      }
    }
    if (vm.count("list-params")) {
      std::cout << sim::describe_params(params);
      return kExitOk;
    }
    if (!vm.count("out")) throw ConfigError("simulate: --out DIR is required (see --help)");
    sim::validate_params(params);

    std::unique_ptr<tbb::global_control> threads;
    if (vm.count("threads")) {
      const int n = vm["threads"].as<int>();
      if (n < 1) throw ConfigError("--threads must be ≥ 1");
      threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      static_cast<std::size_t>(n));
    }
    const std::string out = vm["out"].as<std::string>();
    const sim::SimulationSummary s = sim::simulate(params, out);
    std::cout << "simulated " << s.width << "×" << s.height << " px, " << s.n_communes << " communes, " << s.n_fields
              << " fields, " << s.n_s1_items << " Sentinel-1 and " << s.n_s2_items << " Sentinel-2 scenes → " << out
              << "\n";
    return kExitOk;
  } catch (const ConfigError& e) {
    std::cerr << "paddymrv simulate: " << e.what() << "\n";
    return e.exit_code();
  }
}

}  // namespace paddymrv::cli
