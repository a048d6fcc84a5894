#pragma once
// One exception family for the whole program, each kind mapped to the exit
// code an operator's cron wrapper can act on (README "Exit codes").
#include <stdexcept>
#include <string>

namespace paddymrv {

enum ExitCode : int {
  kExitOk = 0,
  kExitOkWithQuarantine = 3,  // result written, but some scenes were quarantined
  kExitConfigError = 64,      // EX_USAGE: bad options or config, nothing was done
  kExitInputError = 65,       // EX_DATAERR: an input file is missing or malformed
  kExitInternalError = 70,    // EX_SOFTWARE: a bug or an I/O failure on output
  kExitLocked = 75,           // EX_TEMPFAIL: another run holds the output lock
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, int exit_code = kExitInternalError)
      : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

// The configuration or the command line is wrong: raised before any work.
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& what) : Error(what, kExitConfigError) {}
};

// An input file (catalogue, vector, raster) is missing or malformed.
// Messages always name the file first: "<path>: <problem>".
class InputError : public Error {
 public:
  explicit InputError(const std::string& what) : Error(what, kExitInputError) {}
};

}  // namespace paddymrv
