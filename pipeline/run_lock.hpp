#pragma once
// A lock so that two runs writing the same result never overlap (a cron job
// that outlives its night, an analyst starting one by hand): an exclusive
// flock(2) on "<result>.lock", held for the life of the object. The kernel
// drops it when the process dies, even by kill -9, so a crash never leaves a
// stale lock behind.
#include <filesystem>

namespace paddymrv {

class RunLock {
 public:
  // Throws Error with exit code kExitLocked naming the lock file when
  // another process holds it, or Error when it cannot be created.
  explicit RunLock(const std::filesystem::path& result_path);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace paddymrv
