#include "internal/go_time.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "internal/ascii.h"

namespace berth::detail {
namespace {

constexpr std::string_view kRfc3339 = "2006-01-02T15:04:05Z07:00";

// The time package's own quoting in its errors (not strconv.Quote): bytes of
// controls, non-ASCII runes and invalid UTF-8 as \xNN, `"` and `\`
// backslashed, everything else as it is.
std::string TimeQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c < ' ' || c >= 0x80) {
      // Go walks runes, but writes every byte of a non-ASCII rune (and each
      // invalid byte) as \xNN: the same as going byte by byte.
      out += "\\x";
      AppendHexByte(out, c);
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<char>(c);
  }
  out += '"';
  return out;
}

bool IsDigit(std::string_view s, std::size_t i) {
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

bool IsLeap(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int DaysIn(int month, std::int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// One layout element after another over the value, remembering where the
// value stood when an element began: Go's errors quote that remainder.
class Rfc3339Reader {
 public:
  explicit Rfc3339Reader(std::string_view value) : whole_(value), rest_(value) {}

  // A literal separator of the layout ("-", "T", ":").
  bool Literal(char c, std::string_view layout_elem) {
    if (rest_.empty() || rest_[0] != c) return CannotParse(rest_, layout_elem);
    rest_.remove_prefix(1);
    return true;
  }

  // "2006": four bytes, the first a digit, all of them digits.
  bool Year(std::int64_t& year) {
    if (rest_.size() < 4 || !IsDigit(rest_, 0)) return CannotParse(rest_, "2006");
    year = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      if (!IsDigit(rest_, i)) return CannotParse(rest_, "2006");
      year = year * 10 + (rest_[i] - '0');
    }
    rest_.remove_prefix(4);
    return true;
  }

  // A one- or two-digit number ("15"), or exactly two digits when `fixed`
  // ("01", "02", "04", "05"), in [low, limit) ("month out of range").
  bool Number(int& n, bool fixed, std::string_view layout_elem, int low, int limit, const char* range_name) {
    const std::string_view hold = rest_;
    if (!TakeNumber(rest_, fixed, n)) return CannotParse(hold, layout_elem);
    if (n < low || n >= limit) return OutOfRange(range_name);
    return true;
  }

  // After the seconds: ".123" or ",123" (the layout has no fraction, Go
  // reads one anyway; digits past the ninth are dropped). Digits only, so
  // it cannot fail.
  void Fraction(int& nanoseconds) {
    nanoseconds = 0;
    if (rest_.size() < 2 || (rest_[0] != '.' && rest_[0] != ',') || !IsDigit(rest_, 1)) return;
    std::size_t n = 1;
    int scale = 100000000;
    for (; IsDigit(rest_, n); ++n, scale /= 10) nanoseconds += (rest_[n] - '0') * scale;
    rest_.remove_prefix(n);
  }

  // "Z07:00": "Z", or ±hh:mm with hh ≤ 24 and mm ≤ 60 (Go's ranges).
  bool Zone(std::int64_t& offset_seconds) {
    offset_seconds = 0;
    if (!rest_.empty() && rest_[0] == 'Z') {
      rest_.remove_prefix(1);
      return true;
    }
    const std::string_view hold = rest_;
    if (rest_.size() < 6 || rest_[3] != ':') return CannotParse(hold, "Z07:00");
    const char sign = rest_[0];
    std::string_view hh = rest_.substr(1, 2), mm = rest_.substr(4, 2);
    rest_.remove_prefix(6);
    int hours = 0, minutes = 0;
    bool parsed = TakeNumber(hh, true, hours) && TakeNumber(mm, true, minutes);
    if (minutes > 60) return OutOfRange("time zone offset minute");
    if (hours > 24) return OutOfRange("time zone offset hour");
    if (!parsed || (sign != '+' && sign != '-')) return CannotParse(hold, "Z07:00");
    offset_seconds = (hours * 60 + minutes) * 60;
    if (sign == '-') offset_seconds = -offset_seconds;
    return true;
  }

  bool End() {
    if (!rest_.empty()) return Fail("parsing time " + TimeQuote(whole_) + ": extra text: " + TimeQuote(rest_));
    return true;
  }

  bool DayOutOfRange() { return OutOfRange("day"); }

  Error error() const { return Error(ErrorKind::kInvalidParameter, error_); }

 private:
  // Go's getnum; n is 0 when it fails.
  static bool TakeNumber(std::string_view& s, bool fixed, int& n) {
    n = 0;
    if (!IsDigit(s, 0)) return false;
    if (!IsDigit(s, 1)) {
      if (fixed) return false;
      n = s[0] - '0';
      s.remove_prefix(1);
      return true;
    }
    n = (s[0] - '0') * 10 + (s[1] - '0');
    s.remove_prefix(2);
    return true;
  }

  bool CannotParse(std::string_view value_elem, std::string_view layout_elem) {
    return Fail("parsing time " + TimeQuote(whole_) + " as " + TimeQuote(kRfc3339) + ": cannot parse " +
                TimeQuote(value_elem) + " as " + TimeQuote(layout_elem));
  }
  bool OutOfRange(const char* what) {
    return Fail("parsing time " + TimeQuote(whole_) + ": " + what + " out of range");
  }
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  std::string_view whole_, rest_;
  std::string error_;
};

}  // namespace

Result<GoTime> ParseGoRfc3339(std::string_view value) {
  Rfc3339Reader r(value);
  std::int64_t year = 0, offset = 0;
  int month = 0, day = 0, hour = 0, minute = 0, second = 0, nanoseconds = 0;
  // Go checks a month's range as it reads it (1–12), hours below 24,
  // minutes and seconds below 60, and the day only at the end.
  const bool ok = r.Year(year) && r.Literal('-', "-") && r.Number(month, true, "01", 1, 13, "month") &&
                  r.Literal('-', "-") && r.Number(day, true, "02", 0, 100, "day") && r.Literal('T', "T") &&
                  r.Number(hour, false, "15", 0, 24, "hour") && r.Literal(':', ":") &&
                  r.Number(minute, true, "04", 0, 60, "minute") && r.Literal(':', ":") &&
                  r.Number(second, true, "05", 0, 60, "second") && (r.Fraction(nanoseconds), r.Zone(offset)) &&
                  r.End() && (day >= 1 && day <= DaysIn(month, year) ? true : r.DayOutOfRange());
  if (!ok) return r.error();
  GoTime t;
  t.nanoseconds = nanoseconds;
  t.unix_seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return t;
}

Status UnmarshalGoTime(std::string_view raw_json, GoTime& out) {
  if (raw_json == "null") return {};
  if (raw_json.size() < 2 || raw_json.front() != '"' || raw_json.back() != '"') {
    return Error(ErrorKind::kInvalidParameter, "Time.UnmarshalJSON: input is not a JSON string");
  }
  Result<GoTime> parsed = ParseGoRfc3339(raw_json.substr(1, raw_json.size() - 2));
  if (!parsed) return parsed.error();
  out = *parsed;
  return {};
}

namespace {

// time.ParseDuration's units, in nanoseconds.
std::optional<double> DurationNanos(std::string_view v) {
  if (v.empty() || v == "0") return std::nullopt;
  double sign = 1;
  if (v.front() == '-' || v.front() == '+') {
    sign = v.front() == '-' ? -1 : 1;
    v.remove_prefix(1);
  }
  if (v.empty()) return std::nullopt;
  double total = 0;
  while (!v.empty()) {
    std::size_t n = 0;
    while (n < v.size() && ((v[n] >= '0' && v[n] <= '9') || v[n] == '.')) ++n;
    if (n == 0 || v.substr(0, n) == ".") return std::nullopt;
    const double number = std::strtod(std::string(v.substr(0, n)).c_str(), nullptr);
    v.remove_prefix(n);
    static constexpr std::pair<std::string_view, double> kUnits[] = {
        {"ns", 1},   {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
        {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9}};
    bool matched = false;
    for (const auto& [unit, scale] : kUnits) {
      // The longest unit first where one is a prefix of another ("ms" before "m").
      if (v.starts_with(unit) && !(unit == "m" && v.starts_with("ms"))) {
        total += number * scale;
        v.remove_prefix(unit.size());
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  return sign * total;
}

// A date or date-time without a zone, in local time (Go's ParseInLocation).
std::optional<std::int64_t> LocalTime(std::string_view v) {
  std::string text(v.substr(0, v.find('.')));
  for (const char* layout : {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H", "%Y-%m-%d"}) {
    std::tm tm{};
    const char* end = ::strptime(text.c_str(), layout, &tm);
    if (end == nullptr || *end != '\0') continue;
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return static_cast<std::int64_t>(t);
  }
  return std::nullopt;
}

}  // namespace

Result<std::int64_t> ParseEngineTimestamp(std::string_view value, std::int64_t now) {
  auto fail = [&] {
    return Error(ErrorKind::kInvalidParameter,
                 "failed to parse value as time or duration: \"" + std::string(value) + "\"");
  };
  if (std::optional<double> nanos = DurationNanos(value)) {
    const double seconds = *nanos / 1e9;
    if (seconds > 1e15 || seconds < -1e15) return fail();
    return now - static_cast<std::int64_t>(seconds);
  }
  const bool zoned =
      value.find_first_of("zZ+") != std::string_view::npos || std::count(value.begin(), value.end(), '-') == 3;
  if (zoned) {
    Result<GoTime> t = ParseGoRfc3339(value);
    if (!t) return fail();
    return t->unix_seconds;
  }
  if (value.find('-') != std::string_view::npos) {
    std::optional<std::int64_t> t = LocalTime(value);
    if (!t) return fail();
    return *t;
  }
  // Unix seconds, with an optional fraction.
  std::string_view whole = value.substr(0, value.find('.'));
  std::string_view fraction = value.find('.') == std::string_view::npos ? "" : value.substr(value.find('.') + 1);
  if (whole.empty() || whole.size() > 15 || whole.find_first_not_of("0123456789") != std::string_view::npos ||
      fraction.find_first_not_of("0123456789") != std::string_view::npos) {
    return fail();
  }
  return static_cast<std::int64_t>(std::stoll(std::string(whole)));
}

}  // namespace berth::detail
