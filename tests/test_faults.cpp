// kill -9 at chosen points of a real `paddymrv run` (the fault hook of
// pipeline/fault_point.hpp): the previous result stays intact and readable,
// the lock and the temporary file a killed run leaves behind never stop the
// next run, and that run gives the same result as an uninterrupted one. Also:
// an output folder that cannot be written is a clear error, with no file.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <spawn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "pipeline/errors.hpp"
#include "pipeline/result_reader.hpp"
#include "pipeline/run_lock.hpp"
#include "pipeline/simulator.hpp"
#include "tests/result_compare.hpp"
#include "tests/test_support.hpp"

extern char** environ;

namespace fs = std::filesystem;
using namespace paddymrv;

namespace {

const fs::path& demo_dir() {
  static const fs::path dir = [] {
    const auto d = test::fresh_dir("faults_demo");
    sim::simulate(sim::preset("demo"), d);
    return d;
  }();
  return dir;
}

struct Outcome {
  bool killed = false;  // died by SIGKILL
  int exit_code = -1;   // when it exited
  std::string err;      // its stderr
};

// Runs the real binary (posix_spawn, no shell), optionally with a fault point.
Outcome run_binary(const fs::path& out, const std::string& fault = "", std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {PADDYMRV_BINARY, "run", "--config", (demo_dir() / "paddymrv.toml").string(),
                                   "--out", out.string(), "--block-size", "64", "--threads", "2",
                                   "--report-format", "none"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "PADDYMRV_FAULT_POINT=", 21) != 0) env_text.emplace_back(*e);
  if (!fault.empty()) env_text.push_back("PADDYMRV_FAULT_POINT=" + fault);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  const fs::path err_file = out.parent_path().parent_path() / ("stderr_" + std::to_string(::getpid()) + ".txt");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  Outcome o;
  if (rc != 0) {
    ADD_FAILURE() << "posix_spawn " << argv[0] << ": " << std::strerror(rc);
    return o;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  o.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  o.err.assign(std::istreambuf_iterator<char>(in), {});
  return o;
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> temporaries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) out.push_back(e.path());
  return out;
}

// Same datasets with the same values (everything but the creation time).
void expect_same_result(const fs::path& a, const fs::path& b) {
  test::expect_same_datasets(a, b, {}, 20);
  const ResultReader ra(a), rb(b);
  // The stored config differs only by output.path.
  auto without_out = [](std::string t) {
    const auto at = t.find("\npath = \"");
    if (at != std::string::npos) t.erase(at, t.find('\n', at + 1) - at);
    return t;
  };
  EXPECT_EQ(without_out(ra.attribute_string("/", "config_toml")), without_out(rb.attribute_string("/", "config_toml")));
}

class KillAt : public ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(KillAt, PreviousResultSurvivesAndTheNextRunRedoesTheNight) {
  const std::string point = GetParam();
  const auto dir = test::fresh_dir("faults_" + point.substr(0, point.find(':')) + "_" +
                                   (point.find(':') == std::string::npos ? "1" : point.substr(point.find(':') + 1)));
  fs::create_directories(dir / "out");
  const auto out = dir / "out" / "r.h5";
  const Outcome last_night = run_binary(out);
  ASSERT_EQ(last_night.exit_code, kExitOk) << last_night.err;  // last night's result
  const std::string previous = file_bytes(out);
  const auto reference = dir / "uninterrupted.h5";  // last night's, uninterrupted: the reference
  fs::copy_file(out, reference);
  ASSERT_FALSE(previous.empty());

  const Outcome killed = run_binary(out, point);
  ASSERT_TRUE(killed.killed) << point << " did not kill the run; exit " << killed.exit_code << "\n" << killed.err;

  if (point == "after_rename") {
    expect_same_result(reference, out);  // the new result was whole when renamed
  } else {
    EXPECT_EQ(file_bytes(out), previous) << "a run killed at " << point << " touched the previous result";
    const ResultReader r(out);
    EXPECT_FALSE(r.read<std::uint8_t>("/maps/water_regime").empty());
  }
  const bool leaves_temporary = point.rfind("after_block", 0) == 0 || point == "mid_write" || point == "before_rename";
  EXPECT_EQ(temporaries(dir / "out").size(), leaves_temporary ? 1u : 0u) << point;
  // The killed run's lock file is still there, but the kernel dropped its
  // flock when the process died: taking it now succeeds at once.
  ASSERT_TRUE(fs::exists(out.string() + ".lock"));
  EXPECT_NO_THROW(RunLock{out});

  const Outcome next = run_binary(out);
  EXPECT_EQ(next.exit_code, kExitOk) << next.err;
  EXPECT_TRUE(temporaries(dir / "out").empty()) << "the stale temporary was not cleaned up";
  if (leaves_temporary) EXPECT_NE(next.err.find("left by an interrupted run"), std::string::npos) << next.err;
  expect_same_result(reference, out);
}

INSTANTIATE_TEST_SUITE_P(Faults, KillAt,
                         ::testing::Values("after_catalog", "after_block:3",
                                           "mid_write", "before_rename", "after_rename"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == ':') c = '_';
                           return n;
                         });

TEST(Faults, FirstRunKilledLeavesNoResultAndTheNextOneCompletes) {
  const auto dir = test::fresh_dir("faults_first");
  fs::create_directories(dir / "out");
  const auto out = dir / "out" / "r.h5";
  ASSERT_TRUE(run_binary(out, "before_rename").killed);
  EXPECT_FALSE(fs::exists(out));
  // A second stale temporary, as if another night had died the same way.
  std::ofstream(out.string() + ".tmp-999999") << "half a file";
  const Outcome next = run_binary(out);
  EXPECT_EQ(next.exit_code, kExitOk) << next.err;
  EXPECT_TRUE(temporaries(dir / "out").empty());
  EXPECT_FALSE(ResultReader(out).read<std::uint8_t>("/maps/water_regime").empty());
}

TEST(Faults, StaleTemporaryCleanupTouchesOnlyThisResultsTemporaries) {
  const auto dir = test::fresh_dir("faults_cleanup");
  for (const char* name : {"r.h5.tmp-12", "r.h5.tmp-3x", "other.h5.tmp-12", "r.h5.tmp-", "r.h5"})
    std::ofstream(dir / name) << "x";
  const auto removed = remove_stale_temporaries(dir / "r.h5");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0], dir / "r.h5.tmp-12");
  for (const char* name : {"r.h5.tmp-3x", "other.h5.tmp-12", "r.h5.tmp-", "r.h5"}) EXPECT_TRUE(fs::exists(dir / name));
}

TEST(Faults, UnwritableOutputIsAClearErrorAndLeavesNoFile) {
  const auto dir = test::fresh_dir("faults_unwritable");
  // A folder that does not exist.
  Outcome o = run_binary(dir / "missing" / "r.h5");
  EXPECT_EQ(o.exit_code, kExitInternalError) << o.err;
  EXPECT_NE(o.err.find((dir / "missing").string()), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "missing"));
  // A "folder" that is a file.
  std::ofstream(dir / "file") << "x";
  o = run_binary(dir / "file" / "r.h5");
  EXPECT_EQ(o.exit_code, kExitInternalError) << o.err;
  EXPECT_NE(o.err.find((dir / "file").string()), std::string::npos) << o.err;
  // A folder without write permission (root ignores permissions: skipped then).
  fs::create_directories(dir / "ro");
  ::chmod((dir / "ro").c_str(), 0555);
  if (::access((dir / "ro").c_str(), W_OK) != 0) {
    o = run_binary(dir / "ro" / "r.h5");
    EXPECT_EQ(o.exit_code, kExitInternalError) << o.err;
    EXPECT_NE(o.err.find((dir / "ro").string()), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("ermission"), std::string::npos) << o.err;
    EXPECT_TRUE(fs::is_empty(dir / "ro"));
  }
  ::chmod((dir / "ro").c_str(), 0755);
}
