#pragma once
// Command-line pieces shared by the verbs: the logging options every verb
// takes, and the bridge from the parameter table (pipeline/parameters.hpp)
// to Boost.Program_options, so that flags and --help text are generated
// from the same declarations as the config file.
#include <boost/program_options.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/config.hpp"

namespace paddymrv::cli {

namespace po = boost::program_options;

// --config, --log-format, --log-file, --quiet, --verbose, --help.
void add_common_options(po::options_description& desc);
// Every parameter with a flag, documented from the table.
void add_parameter_options(po::options_description& desc);
// Flags given on the command line → overrides for load_config(). Paths are
// made absolute against the current directory (a path typed in a shell means
// relative to where the user stands, not to the config file).
std::map<std::string, std::string> parameter_overrides(const po::variables_map& vm);
// Sets up spdlog from --log-format/--log-file/--quiet/--verbose.
void configure_logging(const po::variables_map& vm);
// Parses args[1..] (args[0] is the verb) into vm; ConfigError on bad syntax.
void parse(const std::vector<std::string>& args, const po::options_description& desc, po::variables_map& vm,
           const po::positional_options_description* positional = nullptr);
// For verbs that read a result ("VERB RESULT.h5 [options]"): adds --help and
// the positional RESULT.h5 to desc, parses, prints help when asked (then
// returns false), and throws ConfigError with `usage` when no result is named.
bool parse_result_verb(const std::vector<std::string>& args, po::options_description& desc, po::variables_map& vm,
                       const std::string& usage);

// For verbs that read a config ("VERB --config FILE [options]"): adds the
// parameter flags to desc, parses, prints help when asked (then returns
// nullopt), sets up logging and loads the effective config (file + flags).
std::optional<Config> parse_config_verb(const std::vector<std::string>& args, po::options_description& desc,
                                        po::variables_map& vm);

// True when stderr is an interactive terminal (progress bars only then).
bool stderr_is_terminal();

}  // namespace paddymrv::cli
