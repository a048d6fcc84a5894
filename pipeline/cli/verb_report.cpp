// `paddymrv report RESULT.h5`: reads a result and prints its table.
#include <iostream>

#include "pipeline/audit_page.hpp"
#include "pipeline/cli/common_options.hpp"
#include "pipeline/cli/verbs.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/result_report.hpp"

namespace paddymrv::cli {

int verb_report(const std::vector<std::string>& args) {
  po::options_description desc(
      "paddymrv report — print a result's per-commune table\n\n"
      "Usage: paddymrv report RESULT.h5 [--csv | --json] [--evidence DIR] [--html FILE]\n\nOptions");
  desc.add_options()("csv", "comma-separated values")("json", "a JSON document")(
      "evidence", po::value<std::string>()->value_name("DIR"),
      "also write each claim's evidence picture to DIR/<claim_id>.png")(
      "html", po::value<std::string>()->value_name("FILE"),
      "also write the audit page: one self-contained HTML file with the tables, the methane factors, every "
      "claim's evidence picture, the scenes and the configuration");
  po::variables_map vm;
  if (!parse_result_verb(args, desc, vm, "report: name the result file (paddymrv report RESULT.h5)")) return kExitOk;
  const ReportFormat f = vm.count("json") ? ReportFormat::json : vm.count("csv") ? ReportFormat::csv : ReportFormat::text;
  std::cout << format_result_report(vm["result"].as<std::string>(), f);
  if (vm.count("evidence")) {
    const auto n = write_claim_evidence(vm["result"].as<std::string>(), vm["evidence"].as<std::string>());
    std::cerr << "wrote " << n << " evidence pictures to " << vm["evidence"].as<std::string>() << "\n";
  }
  if (vm.count("html")) {
    write_audit_page(vm["result"].as<std::string>(), vm["html"].as<std::string>());
    std::cerr << "wrote the audit page " << vm["html"].as<std::string>() << "\n";
  }
  return kExitOk;
}

}  // namespace paddymrv::cli
