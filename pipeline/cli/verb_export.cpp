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
  desc.add_options()("help,h", "show this help and exit")("out,o", po::value<std::string>()->value_name("DIR"),
                                                          "folder to write into (created)")(
      "result", po::value<std::string>()->value_name("RESULT.h5"), "the result file");
  po::positional_options_description pos;
  pos.add("result", 1);
  po::variables_map vm;
  parse(args, desc, vm, &pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return kExitOk;
  }
  if (!vm.count("result") || !vm.count("out")) throw ConfigError("export: usage: paddymrv export RESULT.h5 --out DIR");
  const auto s = export_result(vm["result"].as<std::string>(), vm["out"].as<std::string>());
  for (const auto& p : s.written) std::cout << p.string() << "\n";
  return kExitOk;
}

}  // namespace paddymrv::cli
