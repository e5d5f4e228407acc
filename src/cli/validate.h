// The one validation layer for command-line values, shared by every `crescendo` command, and the
// one message and exit-code convention (docs/cli.md, "Errors and exit codes").
//
// Every value is checked while the command line is parsed (CLI11 validators), before any work
// starts; checks that relate two flags run first in the command's callback. Messages read
// "crescendo <command>: <flag or file>: <what was found>, expected <what>"; input quoted in a
// message is cut to kMaxQuotedBytes with non-printable bytes escaped.
//
// Exit codes:
//   0  success;
//   1  the work started and failed (an output could not be written mid-run), or the command's
//      verdict is negative (`config validate`: invalid; `config show`: no such service);
//   2  nothing was done: bad usage, a value out of range, an input missing, unreadable or
//      malformed, an output not writable, a port that cannot be listened on;
//   70 an internal error (a bug: an exception reached the command line; please report it).
//
// Thread safety: pure functions, except the path checks which ask the file system.
#ifndef CRESCENDO_SRC_CLI_VALIDATE_H_
#define CRESCENDO_SRC_CLI_VALIDATE_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"

namespace crescendo::cli {

// The documented limits (docs/cli.md, "Limits").
// Replicas of one simulated service: every replica is a simulated pod held in memory.
inline constexpr int32_t kMaxReplicas = 10000;
// The shortest scaling interval or tick; the configuration's scalingInterval has the same floor.
inline constexpr Duration kMinInterval = std::chrono::seconds(1);
// Ticks of one `run` (duration / interval): it keeps values per tick and service in memory.
inline constexpr int64_t kMaxTicks = 1'000'000;
// Ticks x services x strategies of one simulation: its time (memory stays constant), about ten
// minutes of CPU at the exact HPA's 2.9 us a service-tick (docs/simulation.md, Performance).
inline constexpr int64_t kMaxServiceTicks = 200'000'000;
// Files read whole into memory: a state file, a VPA manifest or checkpoint, usage samples.
inline constexpr int64_t kMaxStateFileBytes = 16 << 20;
inline constexpr int64_t kMaxCheckpointBytes = 64 << 20;
inline constexpr int64_t kMaxSamplesBytes = 256 << 20;
// The longest quoted input in a message.
inline constexpr size_t kMaxQuotedBytes = 80;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 70;

// Returns `text` in double quotes, non-printable bytes as \xNN, cut to kMaxQuotedBytes with
// "... (N bytes)" after it when longer.
std::string Quote(std::string_view text);

// Returns the exit code of a failed status: kExitUsage for the codes that mean the input was
// refused before work (InvalidArgument, NotFound, OutOfRange, FailedPrecondition,
// PermissionDenied, AlreadyExists, ResourceExhausted), else kExitFailed.
int ExitCodeFor(const Status& status);

// Prints "crescendo <command>: <message>" on ctx.err and sets ctx.exit_code (ExitCodeFor, or
// `exit_code` when given).
void Fail(CommandContext& ctx, std::string_view command, const Status& status, int exit_code = -1);

// The generated scenario's fixed Monday at midnight UTC, 2026-11-23T00:00:00Z: where a simulated
// clock starts unless --start says otherwise, so every run of a seed is identical.
inline constexpr int64_t kScenarioStartUnix = 1795392000;

// Parses --start (RFC 3339) and checks that the run of `length` from it stays within the
// simulated clock's range, 1970-01-01T00:00:00Z to 2200-01-01T00:00:00Z (docs/cli.md, Limits).
// Errors: InvalidArgument naming --start and what was expected.
StatusOr<Timestamp> ParseStartFlag(std::string_view text, Duration length);

// Parses a Go duration given to `flag` and checks that it is at least `min`.
// Errors: InvalidArgument "<flag>: found "1ns", expected a Go duration >= 1s such as "30s"".
StatusOr<Duration> ParseDurationFlag(std::string_view flag, std::string_view text, Duration min);

// Returns duration / interval after checking that it is at most `max_ticks` and that the
// duration holds at least one interval. Errors: InvalidArgument naming both flags.
StatusOr<int64_t> CheckTicks(Duration duration, Duration interval, int64_t max_ticks = kMaxTicks);

// Splits a comma-separated strategy list at the commas outside parentheses and checks it: not
// empty, parentheses balanced, no empty and no duplicate entry. Errors: InvalidArgument naming
// `flag`.
StatusOr<std::vector<std::string>> ParseStrategyList(std::string_view flag, std::string_view text);

// Checks that `path` can be read as a file: it exists, is not a directory, and can be opened.
// Errors: NotFound "no such file", InvalidArgument "is a directory", PermissionDenied.
Status CheckReadableFile(const std::string& path);

// Returns the contents of the file at `path`, read through the file seam (format::ReadFile, so
// tests can replace the file system). Errors: those of format::ReadFile (NotFound, a directory,
// PermissionDenied, Unavailable); ResourceExhausted "PATH: N bytes, expected at most MAX bytes
// (docs/cli.md, Limits)" when larger than `max_bytes`.
StatusOr<std::string> ReadInputFile(const std::string& path, int64_t max_bytes);

// Checks, without truncating anything, that `path` can be written: not a directory, its folder
// exists, and the file can be opened for writing (a file created by the check is removed).
// Errors: InvalidArgument "is a directory", NotFound "no such directory", PermissionDenied.
Status CheckWritableFile(const std::string& path);

// CLI11 validators built on the checks above; their messages become "crescendo: <flag>: ...".
CLI::Validator ReadableFile();
CLI::Validator WritableFile();
// A finite number in [min, max] (or (min, max] when `min_exclusive`).
CLI::Validator FiniteNumber(double min, double max, bool min_exclusive = false);
// An integer in [min, max].
CLI::Validator IntegerIn(int64_t min, int64_t max);
// A Go duration of at least `min`.
CLI::Validator GoDuration(Duration min);

}  // namespace crescendo::cli

#endif  // CRESCENDO_SRC_CLI_VALIDATE_H_
