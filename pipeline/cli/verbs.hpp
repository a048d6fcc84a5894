#pragma once
// The verbs of the `paddymrv` binary. Each receives the arguments after the
// verb (args[0] is the verb itself) and returns a process exit code
// (pipeline/errors.hpp). Each lives in its own cli/verb_<name>.cpp.
#include <string>
#include <vector>

namespace paddymrv::cli {

int verb_simulate(const std::vector<std::string>& args);
int verb_run(const std::vector<std::string>& args);
int verb_report(const std::vector<std::string>& args);
int verb_export(const std::vector<std::string>& args);
int verb_train(const std::vector<std::string>& args);

}  // namespace paddymrv::cli
