// Status values for expected failures, after Abseil's Status/StatusOr.
//
// Expected failures (a stale sequence, a bad signature, a malformed row) are returned as a
// Status whose code tells the caller what to do; exceptions are kept for broken invariants.
// A returned Status must not be ignored ([[nodiscard]]).
#pragma once

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace suiji {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the input is wrong: fix the request
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // creating something that is there already
  kFailedPrecondition,  // the state does not allow it: fix the state first
  kAborted,             // a test-and-set lost (stale expected sequence): retry higher up
  kUnavailable,         // transient: retry the same call
  kDataLoss,            // corruption or a broken integrity check
  kPermissionDenied,    // a key or user may not do this
  kResourceExhausted,   // a size or rate limit
  kUnauthenticated,     // no or bad credentials
  kInternal,            // a bug or an unexpected library error
};

// Stable lower-case name of a code, e.g. "failed_precondition".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message", for logs and stderr.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A full file system (ENOSPC, EDQUOT): kResourceExhausted, its message "disk full: <path>: <what>"
// so that the command line (its own exit code) and the HTTP API (507) tell it from a size
// limit, and the operator knows which disk to free.
inline constexpr std::string_view kDiskFullTag = "disk full: ";
inline Status DiskFull(const std::string& path, const std::string& what) {
  return {StatusCode::kResourceExhausted, std::string(kDiskFullTag) + path + ": " + what};
}
// True for a status made by DiskFull, also after a caller prefixed its message with context.
inline bool IsDiskFull(const Status& s) {
  return s.code() == StatusCode::kResourceExhausted &&
         s.message().find(kDiskFullTag) != std::string::npos;
}

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) {
      std::fputs("StatusOr constructed from an OK status without a value\n", stderr);
      std::abort();
    }
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<StatusOr*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }
  T& operator*() & { return Checked(); }
  const T& operator*() const& { return const_cast<StatusOr*>(this)->Checked(); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &const_cast<StatusOr*>(this)->Checked(); }

 private:
  T& Checked() {
    if (!value_) {
      std::fprintf(stderr, "StatusOr::value() on error: %s\n", status_.ToString().c_str());
      std::abort();
    }
    return *value_;
  }
  Status status_;
  std::optional<T> value_;
};

}  // namespace suiji

// Returns early from the enclosing function if `expr` (a Status) is not OK.
#define SUIJI_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::suiji::Status suiji_status_ = (expr);  \
    if (!suiji_status_.ok()) return suiji_status_; \
  } while (0)

#define SUIJI_CONCAT_INNER(a, b) a##b
#define SUIJI_CONCAT(a, b) SUIJI_CONCAT_INNER(a, b)
// Declares `lhs` from a StatusOr expression, or returns its Status.
#define SUIJI_ASSIGN_OR_RETURN(lhs, expr)                        \
  auto SUIJI_CONCAT(suiji_or_, __LINE__) = (expr);               \
  if (!SUIJI_CONCAT(suiji_or_, __LINE__).ok())                   \
    return SUIJI_CONCAT(suiji_or_, __LINE__).status();           \
  lhs = std::move(SUIJI_CONCAT(suiji_or_, __LINE__)).value()

// A broken invariant: crash loudly with a message.
#define SUIJI_CHECK(cond, msg)                                                            \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", __FILE__, __LINE__, #cond, \
                   msg);                                                                  \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
