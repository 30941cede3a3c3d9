// Errors as values: a kind that mirrors the Docker Engine's error classes and
// the message the Engine would print.
#ifndef BERTH_ERROR_H_
#define BERTH_ERROR_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace berth {

// The Engine's error classes (errdefs); the engine layer maps them to HTTP
// status codes.
enum class ErrorKind {
  kInvalidParameter,  // 400
  kUnauthorized,      // 401
  kForbidden,         // 403
  kNotFound,          // 404
  kUnavailable,       // 503
  kTooManyRequests,   // 429 (a registry's TOOMANYREQUESTS)
  kConflict,          // 409 (an image in use by another name, a name taken)
  kSystem,            // 500: also transport failures, as in the Engine
};

std::string_view ErrorKindName(ErrorKind kind);

// The HTTP status the Engine answers for a kind (errdefs → 400, 401, 403,
// 404, 409, 429, 503, 500).
int HttpStatusOf(ErrorKind kind);
// The kind for an HTTP status, as the Engine's client reads an answer
// (errdefs.FromStatusCode, with 429 kept apart): the statuses above map
// back to their kinds, any other 4xx to kInvalidParameter, the rest to
// kSystem.
ErrorKind ErrorKindOfHttpStatus(long status);

// A failure: what kind it is and the Engine's message for it. Messages never
// carry secrets.
class Error {
 public:
  Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }

  friend bool operator==(const Error&, const Error&) = default;

 private:
  ErrorKind kind_;
  std::string message_;
};

// Success, or an Error.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  // Only meaningful when !ok().
  const Error& error() const {
    assert(!ok_);
    return error_;
  }
  const std::string& message() const { return error_.message(); }

 private:
  Error error_{ErrorKind::kSystem, ""};
  bool ok_ = true;
};

// A value of T, or an Error.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace berth

#endif  // BERTH_ERROR_H_
