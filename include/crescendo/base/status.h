// Status and StatusOr<T>: errors as values.
//
// A Status is either OK or carries a canonical code and a human-readable message. User-facing
// messages name the file, line or field, what was found and what was expected. Functions that can
// fail return Status or StatusOr<T>; exceptions never cross a Crescendo API.
//
// Thread safety: values; safe to copy and read from several threads.
#ifndef CRESCENDO_BASE_STATUS_H_
#define CRESCENDO_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace crescendo {

enum class StatusCode {
  kOk = 0,
  kCancelled,
  kInvalidArgument,   // malformed input: config, manifest, trace, request
  kDeadlineExceeded,  // a source did not answer in time
  kNotFound,          // the thing asked for does not exist (metric, workload, file)
  kAlreadyExists,
  kPermissionDenied,    // RBAC refused the action
  kResourceExhausted,   // quota, throttling, capacity
  kFailedPrecondition,  // the system is not in a state to do this
  kAborted,
  kOutOfRange,
  kUnimplemented,
  kInternal,     // a broken invariant; a bug
  kUnavailable,  // a dependency is down; retry later, hold the last safe decision
  kDataLoss,
  kUnauthenticated,
};

// Returns the canonical name of `code`, e.g. "INVALID_ARGUMENT".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns "OK" or "<CODE>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithContext(std::string_view prefix) const;

  // Explicitly drops a status whose failure the caller has decided not to act on.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status UnavailableError(std::string message);
Status DeadlineExceededError(std::string message);
Status FailedPreconditionError(std::string message);
Status OutOfRangeError(std::string message);
Status InternalError(std::string message);
Status UnimplementedError(std::string message);
Status PermissionDeniedError(std::string message);
Status UnauthenticatedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status AlreadyExistsError(std::string message);
Status DataLossError(std::string message);

namespace status_internal {
// Prints "StatusOr::value() called on an error: <status>" to stderr and aborts. Never returns.
[[noreturn]] void DieOfValueOnError(const Status& status);
// The status a StatusOr built from an OK Status holds instead.
Status OkStatusOrArgument();
}  // namespace status_internal

// StatusOr<T> holds either a value or a non-OK Status.
//
// REQUIRES: ok() before value(), operator* or operator->. Reading the value of an error never
// throws: it is a broken invariant and fatal, deterministically: the status is printed to
// stderr and the process aborts (as Abseil's StatusOr does).
// Constructing from an OK Status is a programming error; as Abseil does, the StatusOr then holds
// InternalError("StatusOr constructed from an OK status"), so ok() is false and the message says
// why.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const T& value) : v_(value) {}        // NOLINT(google-explicit-constructor)
  StatusOr(T&& value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  StatusOr(Status status)                        // NOLINT(google-explicit-constructor)
      : v_(status.ok() ? status_internal::OkStatusOrArgument() : std::move(status)) {}
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Status> &&
           !std::is_same_v<std::decay_t<U>, StatusOr<T>> && !std::is_same_v<std::decay_t<U>, T>)
      StatusOr(U&& value)
      : v_(T(std::forward<U>(value))) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : *std::get_if<Status>(&v_); }

  const T& value() const& { return *ValueOrDie(); }
  T& value() & { return *ValueOrDie(); }
  T&& value() && { return std::move(*ValueOrDie()); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // Returns the value, or `fallback` when not ok().
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  const T* ValueOrDie() const {
    const T* value = std::get_if<T>(&v_);
    if (value == nullptr) status_internal::DieOfValueOnError(*std::get_if<Status>(&v_));
    return value;
  }
  T* ValueOrDie() { return const_cast<T*>(std::as_const(*this).ValueOrDie()); }

  std::variant<Status, T> v_;
};

}  // namespace crescendo

#define CRESCENDO_CONCAT_INNER_(a, b) a##b
#define CRESCENDO_CONCAT_(a, b) CRESCENDO_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define CRESCENDO_RETURN_IF_ERROR(expr)                    \
  do {                                                     \
    ::crescendo::Status crescendo_status_ = (expr);        \
    if (!crescendo_status_.ok()) return crescendo_status_; \
  } while (0)

// Evaluates `rexpr` (a StatusOr<T>); returns its status on error, else moves the value to `lhs`.
#define CRESCENDO_ASSIGN_OR_RETURN(lhs, rexpr)                  \
  auto CRESCENDO_CONCAT_(crescendo_or_, __LINE__) = (rexpr);    \
  if (!CRESCENDO_CONCAT_(crescendo_or_, __LINE__).ok())         \
    return CRESCENDO_CONCAT_(crescendo_or_, __LINE__).status(); \
  lhs = std::move(CRESCENDO_CONCAT_(crescendo_or_, __LINE__)).value()

#endif  // CRESCENDO_BASE_STATUS_H_
