// `paddymrv run`: the nightly job (DESIGN §7).
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "pipeline/cli/common_options.hpp"
#include "pipeline/cli/verbs.hpp"
#include "pipeline/errors.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/result_report.hpp"
#include "pipeline/run_job.hpp"

namespace paddymrv::cli {

namespace {

// A one-line progress bar with ETA on stderr, only for people at a terminal.
class ProgressBar {
 public:
  void operator()(std::size_t done, std::size_t total) {
    const double f = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = f > 0 ? elapsed * (1 - f) / f : 0;
    const int filled = static_cast<int>(f * 30);
    std::fprintf(stderr, "\r[%-30s] %3d%% %zu/%zu blocks, ETA %.0f s ", std::string(filled, '#').c_str(),
                 static_cast<int>(f * 100), done, total, eta);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

int verb_run(const std::vector<std::string>& args) {
  po::options_description desc(
      "paddymrv run — scenes → maps, per-commune table → one HDF5 result\n\n"
      "Usage: paddymrv run --config FILE [options]\n\nOptions");
  add_common_options(desc);
  desc.add_options()("dry-run", "check the inputs and list what would be processed, write nothing")(
      "print-config", "print the effective configuration (TOML) and exit")(
      "report-format", po::value<std::string>()->default_value("text")->value_name("text|csv|json|none"),
      "what to print on stdout when done");
  po::variables_map vm;
  const std::optional<Config> parsed = parse_config_verb(args, desc, vm);
  if (!parsed) return kExitOk;  // --help
  const Config& cfg = *parsed;
  if (vm.count("print-config")) {
    std::cout << to_toml(cfg);
    return kExitOk;
  }
  const std::string fmt = vm["report-format"].as<std::string>();
  if (fmt != "text" && fmt != "csv" && fmt != "json" && fmt != "none") {
    throw ConfigError("--report-format must be text, csv, json or none");
  }

  RunOptions opt;
  opt.dry_run = vm.count("dry-run") > 0;
  ProgressBar bar;
  if (stderr_is_terminal() && !vm.count("quiet") && !vm.count("log-file")) opt.progress = std::ref(bar);
  const auto t0 = std::chrono::steady_clock::now();
  const RunSummary s = run_job(cfg, opt);
  if (s.dry_run) {
    std::cout << "dry run: grid " << s.width << " x " << s.height << " px, " << s.blocks << " blocks; "
              << s.s1_used << " Sentinel-1 and " << s.s2_used << " Sentinel-2 scenes would be used, "
              << s.scenes_quarantined << " quarantined, " << s.scenes_skipped << " skipped\n";
    for (const auto& q : s.quarantine_reasons) std::cout << "  quarantined " << q << "\n";
    return s.exit_code;
  }
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  // The line the benchmark scripts parse: keep its shape.
  spdlog::info("run finished: {:.2f} s wall, peak RSS {:.1f} MiB, {} blocks",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
               static_cast<double>(ru.ru_maxrss) / 1024.0, s.blocks);
  if (fmt != "none") {
    const ReportFormat f = fmt == "csv" ? ReportFormat::csv : fmt == "json" ? ReportFormat::json : ReportFormat::text;
    std::cout << format_result_report(s.out_path, f);
  }
  if (!s.quarantine_reasons.empty()) {
    spdlog::warn("{} scene(s) quarantined; listed in /provenance/scenes of {}", s.quarantine_reasons.size(),
                 s.out_path);
  }
  return s.exit_code;
}

}  // namespace paddymrv::cli
