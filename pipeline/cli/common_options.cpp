#include "pipeline/cli/common_options.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "pipeline/errors.hpp"
#include "pipeline/parameters.hpp"

namespace paddymrv::cli {

namespace {
// The log message as the body of a JSON string (RFC 8259 §7 escapes).
class JsonEscapedMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        case '\t': dest.append(std::string_view("\\t")); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            dest.append(std::string_view(buf));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};
}  // namespace

void add_common_options(po::options_description& desc) {
  desc.add_options()("help,h", "show this help and exit")(
      "config,c", po::value<std::string>()->value_name("FILE"),
      "TOML configuration; flags given on the command line override it")(
      "log-format", po::value<std::string>()->default_value("text")->value_name("text|json"),
      "log lines as plain text or JSON lines")("log-file", po::value<std::string>()->value_name("FILE"),
                                               "append the log to FILE instead of stderr")(
      "quiet,q", "log warnings and errors only")("verbose,v", "log debug detail");
}

void add_parameter_options(po::options_description& desc) {
  for (const auto& p : parameters()) {
    if (p.flag.empty()) continue;
    desc.add_options()(p.flag.c_str(), po::value<std::string>()->value_name(p.type),
                       (p.doc + " [" + p.key + "]").c_str());
  }
}

std::map<std::string, std::string> parameter_overrides(const po::variables_map& vm) {
  std::map<std::string, std::string> out;
  for (const auto& p : parameters()) {
    if (p.flag.empty() || !vm.count(p.flag)) continue;
    std::string v = vm[p.flag].as<std::string>();
    if (p.type == "path" && !v.empty() && v.rfind("/vsi", 0) != 0) v = std::filesystem::absolute(v).string();
    out[p.flag] = v;
  }
  return out;
}

void configure_logging(const po::variables_map& vm) {
  std::shared_ptr<spdlog::logger> logger;
  if (vm.count("log-file")) {
    logger = spdlog::basic_logger_mt("paddymrv", vm["log-file"].as<std::string>());
  } else {
    logger = std::make_shared<spdlog::logger>("paddymrv", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
  const std::string format = vm.count("log-format") ? vm["log-format"].as<std::string>() : "text";
  if (format == "json") {
    // One JSON object per line for log shippers; %* escapes the message.
    auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<JsonEscapedMessage>('*').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%*"})");
    logger->set_formatter(std::move(f));
  } else if (format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%SZ %l %v", spdlog::pattern_time_type::utc);
  } else {
    throw ConfigError("--log-format must be text or json, got '" + format + "'");
  }
  logger->set_level(vm.count("quiet") ? spdlog::level::warn
                                      : vm.count("verbose") ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void parse(const std::vector<std::string>& args, const po::options_description& desc, po::variables_map& vm,
           const po::positional_options_description* positional) {
  std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  try {
    auto parser = po::command_line_parser(rest).options(desc);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw ConfigError(std::string(e.what()) + " (see --help)");
  }
}

bool parse_result_verb(const std::vector<std::string>& args, po::options_description& desc, po::variables_map& vm,
                       const std::string& usage) {
  desc.add_options()("help,h", "show this help and exit")(
      "result", po::value<std::string>()->value_name("RESULT.h5"), "the result file");
  po::positional_options_description pos;
  pos.add("result", 1);
  parse(args, desc, vm, &pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return false;
  }
  if (!vm.count("result")) throw ConfigError(usage);
  return true;
}

std::optional<Config> parse_config_verb(const std::vector<std::string>& args, po::options_description& desc,
                                        po::variables_map& vm) {
  po::options_description params("Parameters (also settable in the config file, key in brackets)");
  add_parameter_options(params);
  desc.add(params);
  parse(args, desc, vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return std::nullopt;
  }
  configure_logging(vm);
  return load_config(vm.count("config") ? vm["config"].as<std::string>() : "", parameter_overrides(vm));
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace paddymrv::cli
