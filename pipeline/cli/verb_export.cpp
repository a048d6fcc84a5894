// `paddymrv export RESULT.h5 --out DIR`: maps as COGs, communes as GeoPackage.
#include <iostream>

#include "pipeline/cli/common_options.hpp"
#include "pipeline/cli/verbs.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/result_export.hpp"

namespace paddymrv::cli {

int verb_export(const std::vector<std::string>& args) {
  po::options_description desc(
      "paddymrv export — a result's maps as Cloud-Optimised GeoTIFFs and its communes as a GeoPackage\n\n"
      "Usage: paddymrv export RESULT.h5 --out DIR\n\nOptions");
  desc.add_options()("out,o", po::value<std::string>()->value_name("DIR"), "folder to write into (created)");
  po::variables_map vm;
  const std::string usage = "export: usage: paddymrv export RESULT.h5 --out DIR";
  if (!parse_result_verb(args, desc, vm, usage)) return kExitOk;
  if (!vm.count("out")) throw ConfigError(usage);
  const auto s = export_result(vm["result"].as<std::string>(), vm["out"].as<std::string>());
  for (const auto& p : s.written) std::cout << p.string() << "\n";
  return kExitOk;
}

}  // namespace paddymrv::cli
