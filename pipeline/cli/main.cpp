// paddymrv: one binary, verbs (DESIGN §7). Exit codes: pipeline/errors.hpp.
#include <spdlog/spdlog.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "pipeline/cli/verbs.hpp"
#include "pipeline/errors.hpp"

namespace {

const char* kUsage =
    "paddymrv " PADDYMRV_VERSION " — rice-sector MRV from Sentinel-1 and Sentinel-2\n\n"
    "Usage: paddymrv VERB [options]   (paddymrv VERB --help for the options)\n\n"
    "Verbs:\n"
    "  simulate   write a simulated season with ground truth (input contract)\n"
    "  train      train the crop classifier from reference samples; prints its validation\n"
    "  run        the nightly job: scenes → maps, per-commune table → HDF5 result\n"
    "  report     print a result's per-commune table (text, CSV, JSON), claim evidence pictures\n"
    "  export     a result's maps as COGs and its communes as a GeoPackage, for QGIS\n\n"
    "Exit codes: 0 ok, 3 ok with quarantined scenes, 64 config/usage error,\n"
    "65 input error, 70 internal error, 75 output locked by another run\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? paddymrv::kExitConfigError : paddymrv::kExitOk;
  }
  if (args[0] == "--version") {
    std::cout << "paddymrv " PADDYMRV_VERSION "\n";
    return paddymrv::kExitOk;
  }
  try {
    if (args[0] == "simulate") return paddymrv::cli::verb_simulate(args);
    if (args[0] == "train") return paddymrv::cli::verb_train(args);
    if (args[0] == "run") return paddymrv::cli::verb_run(args);
    if (args[0] == "report") return paddymrv::cli::verb_report(args);
    if (args[0] == "export") return paddymrv::cli::verb_export(args);
    std::cerr << "paddymrv: unknown verb '" << args[0] << "'\n\n" << kUsage;
    return paddymrv::kExitConfigError;
  } catch (const paddymrv::Error& e) {
    spdlog::error("{}", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return paddymrv::kExitInternalError;
  }
}
