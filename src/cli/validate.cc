#include "cli/validate.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "crescendo/format/file.h"

namespace crescendo::cli {
namespace {

// Returns the status of an errno from opening `path`.
Status OpenError(const std::string& path, int error, std::string_view fallback_what) {
  switch (error) {
    case ENOENT:
      return NotFoundError(fmt::format("{}: {}", path, fallback_what));
    case EISDIR:
      return InvalidArgumentError(fmt::format("{}: is a directory, expected a file", path));
    case EACCES:
    case EPERM:
      return PermissionDeniedError(fmt::format("{}: permission denied", path));
    case EROFS:
      return PermissionDeniedError(fmt::format("{}: read-only file system", path));
    default:
      return UnavailableError(fmt::format("{}: {}", path, std::strerror(error)));
  }
}

std::string Number(double v) { return fmt::format("{}", v); }

}  // namespace

std::string Quote(std::string_view text) {
  std::string out = "\"";
  size_t shown = std::min(text.size(), kMaxQuotedBytes);
  for (size_t i = 0; i < shown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);  // UTF-8 bytes pass through
    }
  }
  out += '"';
  if (shown < text.size()) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kOutOfRange:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kPermissionDenied:
    case StatusCode::kAlreadyExists:
    case StatusCode::kResourceExhausted:
      return kExitUsage;
    case StatusCode::kInternal:
      return kExitInternal;
    default:
      return kExitFailed;
  }
}

void Fail(CommandContext& ctx, std::string_view command, const Status& status, int exit_code) {
  ctx.err << "crescendo " << command << ": " << status.message() << "\n";
  ctx.exit_code = exit_code >= 0 ? exit_code : ExitCodeFor(status);
}

StatusOr<Timestamp> ParseStartFlag(std::string_view text, Duration length) {
  constexpr int64_t kLatestUnix = 7258118400;  // 2200-01-01T00:00:00Z
  StatusOr<Timestamp> start = ParseRfc3339(text);
  if (!start.ok()) return start.status().WithContext("--start");
  const Timestamp earliest = FromUnixSeconds(0), latest = FromUnixSeconds(kLatestUnix);
  if (*start < earliest || *start >= latest || latest - *start < length) {
    return InvalidArgumentError(
        "--start " + Quote(text) +
        ": expected a time from 1970-01-01T00:00:00Z on, with the start plus --duration before "
        "2200-01-01T00:00:00Z (docs/cli.md, Limits)");
  }
  return start;
}

StatusOr<Duration> ParseDurationFlag(std::string_view flag, std::string_view text, Duration min) {
  StatusOr<Duration> d = ParseDuration(text);
  if (!d.ok() || *d < min) {
    return InvalidArgumentError(
        fmt::format("{}: found {}, expected a Go duration >= {} such as "
                    "\"30s\" or \"1h30m\"",
                    flag, Quote(text), FormatDuration(min)));
  }
  return d;
}

StatusOr<int64_t> CheckTicks(Duration duration, Duration interval, int64_t max_ticks) {
  if (duration < interval) {
    return InvalidArgumentError(fmt::format("the duration {} is shorter than one interval ({})",
                                            FormatDuration(duration), FormatDuration(interval)));
  }
  const int64_t ticks = duration / interval;
  if (ticks > max_ticks) {
    return InvalidArgumentError(fmt::format(
        "a duration of {} at an interval of {} is {} ticks, expected at most {} (docs/cli.md, "
        "Limits): shorten the duration or lengthen the interval",
        FormatDuration(duration), FormatDuration(interval), ticks, max_ticks));
  }
  return ticks;
}

StatusOr<std::vector<std::string>> ParseStrategyList(std::string_view flag, std::string_view text) {
  auto bad = [&](std::string_view what) {
    return InvalidArgumentError(
        fmt::format("{}: {} in {}, expected a comma-separated list such "
                    "as \"kubernetes,predictive(quantile=0.9)\"",
                    flag, what, Quote(text)));
  };
  std::vector<std::string> out;
  std::string item;
  int depth = 0;
  for (char c : std::string(text) + ",") {
    depth += (c == '(') - (c == ')');
    if (depth < 0) return bad("a ')' without its '('");
    if (c != ',' || depth > 0) {
      item += c;
      continue;
    }
    size_t first = item.find_first_not_of(" \t");
    if (first == std::string::npos) return bad("an empty entry");
    item = item.substr(first, item.find_last_not_of(" \t") - first + 1);
    out.push_back(std::exchange(item, {}));
  }
  if (depth > 0) return bad("a '(' without its ')'");
  std::set<std::string> seen;
  for (const std::string& s : out) {
    if (!seen.insert(s).second) return bad(fmt::format("{} twice", Quote(s)));
  }
  return out;
}

Status CheckReadableFile(const std::string& path) {
  // Opening through the file seam checks it as every read will (and closes it again).
  return format::OpenFile(path).status();
}

StatusOr<std::string> ReadInputFile(const std::string& path, int64_t max_bytes) {
  StatusOr<std::string> text =
      format::ReadFile(path, static_cast<size_t>(std::max<int64_t>(max_bytes, 0)));
  if (text.status().code() == StatusCode::kResourceExhausted) {
    return ResourceExhaustedError(std::string(text.status().message()) + " (docs/cli.md, Limits)");
  }
  return text;
}

Status CheckWritableFile(const std::string& path) {
  if (path.empty()) return InvalidArgumentError("an empty path, expected a file to write");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return OpenError(path, EISDIR, "");
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);  // no O_TRUNC: the check changes nothing
    if (fd < 0) return OpenError(path, errno, "no such file");
    ::close(fd);
    return Status::Ok();
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (::stat(parent.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return NotFoundError(fmt::format("{}: no such directory {}", path, parent.string()));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return OpenError(path, errno, "cannot be created");
  ::close(fd);
  ::unlink(path.c_str());
  return Status::Ok();
}

namespace {

CLI::Validator FromCheck(std::function<Status(const std::string&)> check, std::string desc) {
  return CLI::Validator(
      [check = std::move(check)](std::string& value) -> std::string {
        Status s = check(value);
        return s.ok() ? std::string() : s.message();
      },
      std::move(desc));
}

}  // namespace

CLI::Validator ReadableFile() { return FromCheck(CheckReadableFile, "FILE"); }

CLI::Validator WritableFile() { return FromCheck(CheckWritableFile, "PATH"); }

CLI::Validator FiniteNumber(double min, double max, bool min_exclusive) {
  return FromCheck(
      [=](const std::string& text) -> Status {
        double v = 0;
        size_t used = 0;
        bool parsed = false;
        try {
          v = std::stod(text, &used);
          parsed = used == text.size();
        } catch (const std::exception&) {
          parsed = false;
        }
        if (!parsed || !std::isfinite(v) || v < min || v > max || (min_exclusive && v == min)) {
          return InvalidArgumentError(
              fmt::format("found {}, expected a finite number {} {} and "
                          "<= {}",
                          Quote(text), min_exclusive ? ">" : ">=", Number(min), Number(max)));
        }
        return Status::Ok();
      },
      "NUMBER");
}

CLI::Validator IntegerIn(int64_t min, int64_t max) {
  return FromCheck(
      [=](const std::string& text) -> Status {
        int64_t v = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, v);
        if (ec != std::errc() || ptr != end || v < min || v > max) {
          return InvalidArgumentError(
              fmt::format("found {}, expected an integer from {} to {}", Quote(text), min, max));
        }
        return Status::Ok();
      },
      "INT");
}

CLI::Validator GoDuration(Duration min) {
  return FromCheck(
      [=](const std::string& text) -> Status {
        StatusOr<Duration> d = ParseDurationFlag("", text, min);
        if (d.ok()) return Status::Ok();
        return InvalidArgumentError(d.status().message().substr(2));  // without ": "
      },
      "DURATION");
}

}  // namespace crescendo::cli
