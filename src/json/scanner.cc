#include "json/scanner.h"

#include <cstdint>

#include "internal/go_quote.h"
#include "internal/utf8.h"
#include "json/simd.h"
#include "json/swar.h"

namespace berth::json_detail {
namespace {

// What a step tells its caller, as in Go's scanner.
enum Op : std::uint8_t {
  kContinue,
  kBeginLiteral,
  kBeginObject,
  kObjectKey,
  kObjectValue,
  kEndObject,
  kBeginArray,
  kArrayValue,
  kEndArray,
  kSkipSpace,
  kEnd,
  kError,
};

enum State : std::uint8_t {
  sBeginValue,
  sBeginValueOrEmpty,
  sBeginStringOrEmpty,
  sBeginString,
  sEndValue,
  sEndTop,
  sInString,
  sInStringEsc,
  sInStringEscU,
  sInStringEscU1,
  sInStringEscU12,
  sInStringEscU123,
  sNeg,
  s1,
  s0,
  sDot,
  sDot0,
  sE,
  sESign,
  sE0,
  sT,
  sTr,
  sTru,
  sF,
  sFa,
  sFal,
  sFals,
  sN,
  sNu,
  sNul,
  sError,
};

enum ParseState : std::uint8_t {
  kParseObjectKey,
  kParseObjectValue,
  kParseArrayValue,
};

inline bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
inline bool IsDigit(unsigned char c) {
  return c >= '0' && c <= '9';
}
inline bool IsHex(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

class Scanner {
 public:
  [[gnu::always_inline]] inline Op Step(unsigned char c);
  void set_state(State s) { state_ = s; }
  // Go's scanner.eof().
  bool EofEndsValue() {
    if (state_ == sError) return false;
    if (end_top_) return true;
    Step(' ');
    return end_top_;
  }
  bool failed() const { return state_ == sError; }
  bool end_top() const { return end_top_; }
  std::string& error() { return error_; }
  State state() const { return state_; }

 private:
  Op Fail(unsigned char c, const char* context) {
    state_ = sError;
    error_ = "invalid character ";
    error_ += QuoteChar(c);
    if (*context != '\0') {
      error_ += ' ';
      error_ += context;
    }
    return kError;
  }
  Op Push(unsigned char c, ParseState p, Op success) {
    if (depth_ >= kMaxNestingDepth) return Fail(c, "exceeded max depth");
    stack_[depth_++] = p;
    return success;
  }
  void Pop() {
    --depth_;
    if (depth_ == 0) {
      state_ = sEndTop;
      end_top_ = true;
    } else {
      state_ = sEndValue;
    }
  }
  Op BeginValue(unsigned char c);
  Op EndValue(unsigned char c);
  Op EndTop(unsigned char c) {
    if (!IsSpace(c)) Fail(c, "after top-level value");  // reported next step
    return kEnd;
  }
  Op Number0(unsigned char c) {  // Go's state0
    if (c == '.') {
      state_ = sDot;
      return kContinue;
    }
    if (c == 'e' || c == 'E') {
      state_ = sE;
      return kContinue;
    }
    return EndValue(c);
  }
  Op ESign(unsigned char c) {
    if (IsDigit(c)) {
      state_ = sE0;
      return kContinue;
    }
    return Fail(c, "in exponent of numeric literal");
  }
  Op Expect(unsigned char c, unsigned char want, State next, const char* context) {
    if (c == want) {
      state_ = next;
      return kContinue;
    }
    return Fail(c, context);
  }
  Op HexDigit(unsigned char c, State next) {
    if (IsHex(c)) {
      state_ = next;
      return kContinue;
    }
    return Fail(c, "in \\u hexadecimal character escape");
  }

  State state_ = sBeginValue;
  bool end_top_ = false;
  std::size_t depth_ = 0;
  std::string error_;
  ParseState stack_[kMaxNestingDepth];
};

Op Scanner::BeginValue(unsigned char c) {
  if (IsSpace(c)) return kSkipSpace;
  switch (c) {
    case '{': state_ = sBeginStringOrEmpty; return Push(c, kParseObjectKey, kBeginObject);
    case '[': state_ = sBeginValueOrEmpty; return Push(c, kParseArrayValue, kBeginArray);
    case '"': state_ = sInString; return kBeginLiteral;
    case '-': state_ = sNeg; return kBeginLiteral;
    case '0': state_ = s0; return kBeginLiteral;
    case 't': state_ = sT; return kBeginLiteral;
    case 'f': state_ = sF; return kBeginLiteral;
    case 'n': state_ = sN; return kBeginLiteral;
    default: break;
  }
  if (c >= '1' && c <= '9') {
    state_ = s1;
    return kBeginLiteral;
  }
  return Fail(c, "looking for beginning of value");
}

Op Scanner::EndValue(unsigned char c) {
  if (depth_ == 0) {
    state_ = sEndTop;
    end_top_ = true;
    return EndTop(c);
  }
  if (IsSpace(c)) {
    state_ = sEndValue;
    return kSkipSpace;
  }
  switch (stack_[depth_ - 1]) {
    case kParseObjectKey:
      if (c == ':') {
        stack_[depth_ - 1] = kParseObjectValue;
        state_ = sBeginValue;
        return kObjectKey;
      }
      return Fail(c, "after object key");
    case kParseObjectValue:
      if (c == ',') {
        stack_[depth_ - 1] = kParseObjectKey;
        state_ = sBeginString;
        return kObjectValue;
      }
      if (c == '}') {
        Pop();
        return kEndObject;
      }
      return Fail(c, "after object key:value pair");
    case kParseArrayValue:
      if (c == ',') {
        state_ = sBeginValue;
        return kArrayValue;
      }
      if (c == ']') {
        Pop();
        return kEndArray;
      }
      return Fail(c, "after array element");
  }
  return Fail(c, "");
}

inline Op Scanner::Step(unsigned char c) {
  switch (state_) {
    case sBeginValue: return BeginValue(c);
    case sBeginValueOrEmpty:
      if (IsSpace(c)) return kSkipSpace;
      if (c == ']') return EndValue(c);
      return BeginValue(c);
    case sBeginStringOrEmpty:
      if (IsSpace(c)) return kSkipSpace;
      if (c == '}') {
        stack_[depth_ - 1] = kParseObjectValue;
        return EndValue(c);
      }
      [[fallthrough]];
    case sBeginString:
      if (IsSpace(c)) return kSkipSpace;
      if (c == '"') {
        state_ = sInString;
        return kBeginLiteral;
      }
      return Fail(c, "looking for beginning of object key string");
    case sEndValue: return EndValue(c);
    case sEndTop: return EndTop(c);
    case sInString:
      if (c == '"') {
        state_ = sEndValue;
        return kContinue;
      }
      if (c == '\\') {
        state_ = sInStringEsc;
        return kContinue;
      }
      if (c < 0x20) return Fail(c, "in string literal");
      return kContinue;
    case sInStringEsc:
      if (IsSimpleEscape(c)) {
        state_ = sInString;
        return kContinue;
      }
      if (c == 'u') {
        state_ = sInStringEscU;
        return kContinue;
      }
      return Fail(c, "in string escape code");
    case sInStringEscU: return HexDigit(c, sInStringEscU1);
    case sInStringEscU1: return HexDigit(c, sInStringEscU12);
    case sInStringEscU12: return HexDigit(c, sInStringEscU123);
    case sInStringEscU123: return HexDigit(c, sInString);
    case sNeg:
      if (c == '0') {
        state_ = s0;
        return kContinue;
      }
      if (c >= '1' && c <= '9') {
        state_ = s1;
        return kContinue;
      }
      return Fail(c, "in numeric literal");
    case s1:
      if (IsDigit(c)) return kContinue;
      return Number0(c);
    case s0: return Number0(c);
    case sDot:
      if (IsDigit(c)) {
        state_ = sDot0;
        return kContinue;
      }
      return Fail(c, "after decimal point in numeric literal");
    case sDot0:
      if (IsDigit(c)) return kContinue;
      if (c == 'e' || c == 'E') {
        state_ = sE;
        return kContinue;
      }
      return EndValue(c);
    case sE:
      if (c == '+' || c == '-') {
        state_ = sESign;
        return kContinue;
      }
      return ESign(c);
    case sESign: return ESign(c);
    case sE0:
      if (IsDigit(c)) return kContinue;
      return EndValue(c);
    case sT: return Expect(c, 'r', sTr, "in literal true (expecting 'r')");
    case sTr: return Expect(c, 'u', sTru, "in literal true (expecting 'u')");
    case sTru: return Expect(c, 'e', sEndValue, "in literal true (expecting 'e')");
    case sF: return Expect(c, 'a', sFa, "in literal false (expecting 'a')");
    case sFa: return Expect(c, 'l', sFal, "in literal false (expecting 'l')");
    case sFal: return Expect(c, 's', sFals, "in literal false (expecting 's')");
    case sFals: return Expect(c, 'e', sEndValue, "in literal false (expecting 'e')");
    case sN: return Expect(c, 'u', sNu, "in literal null (expecting 'u')");
    case sNu: return Expect(c, 'l', sNul, "in literal null (expecting 'l')");
    case sNul: return Expect(c, 'l', sEndValue, "in literal null (expecting 'l')");
    case sError: return kError;
  }
  return kError;
}

// Bytes inside a string that need no state change: everything from 0x20 up
// except the quote and the backslash.
inline bool PlainStringByte(unsigned char c) {
  return c >= 0x20 && c != '"' && c != '\\';
}

}  // namespace

std::string QuoteChar(unsigned char c) {
  // Go: special cases for the quotes, else strconv.Quote of the byte taken
  // as the rune U+00XX, between single quotes.
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string rune;
  detail::AppendRune(rune, c);
  std::string quoted = detail::GoQuote(rune);
  return "'" + quoted.substr(1, quoted.size() - 2) + "'";
}

ScanResult Scan(std::string_view data, ScanMode mode) {
  ScanResult result;
  Scanner s;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  bool started = false;
  bool have_end = false;
  std::size_t i = 0;
  for (; i < n; ++i) {
    // Fast paths for the states most bytes are read in; they make the same
    // transitions Step would, and leave anything unusual (errors, input
    // that ends mid-escape) to Step.
    const State st = s.state();
    if (st == sInString) {
      i = simd::SkipStringPlain(p, i, n);
      while (i + 8 <= n && !swar::AnyStringSpecial(swar::Load(p + i))) i += 8;
      while (i < n && PlainStringByte(p[i])) ++i;
      if (i == n) break;
      const unsigned char c = p[i];
      if (c == '"') {
        s.set_state(sEndValue);
        continue;
      }
      if (c == '\\' && i + 1 < n) {
        const unsigned char e = p[i + 1];
        if (IsSimpleEscape(e)) {
          ++i;  // and the loop's ++i
          continue;
        }
        if (e == 'u' && i + 5 < n && IsHex(p[i + 2]) && IsHex(p[i + 3]) && IsHex(p[i + 4]) && IsHex(p[i + 5])) {
          i += 5;
          continue;
        }
      }
    } else if (st == s1 || st == sDot0 || st == sE0) {
      while (i < n && IsDigit(p[i])) ++i;
      if (i == n) break;
    }
    Op op = s.Step(p[i]);
    switch (op) {
      case kSkipSpace:
      case kContinue: continue;
      case kError:
        result.kind = ScanResult::kSyntaxError;
        result.error = std::move(s.error());
        return result;
      case kEnd:
        // A scalar ended just before this byte.
        if (!have_end) {
          result.end = i;
          have_end = true;
        }
        if (mode != ScanMode::kWhole) return result;
        if (s.failed()) {
          result.kind = ScanResult::kSyntaxError;
          result.error = std::move(s.error());
          return result;
        }
        continue;
      case kEndObject:
      case kEndArray:
        if (s.end_top()) {
          result.end = i + 1;
          have_end = true;
          if (mode != ScanMode::kWhole) return result;
        }
        continue;
      default:
        if (!started) {
          started = true;
          result.begin = i;
        }
        continue;
    }
  }
  if (mode == ScanMode::kWhole) {
    if (s.failed()) {
      result.kind = ScanResult::kSyntaxError;
      result.error = std::move(s.error());
      return result;
    }
    if (!s.EofEndsValue()) {
      result.kind = ScanResult::kSyntaxError;
      result.error = s.failed() ? std::move(s.error()) : std::string("unexpected end of JSON input");
      return result;
    }
    if (!have_end) result.end = n;  // a scalar ran to the end of input
    return result;
  }
  // kFirstValue at end of input: Go feeds one space; if that completes the
  // value it is decoded, else the input was cut short (or empty).
  if (mode == ScanMode::kFirstValue && !s.failed() && s.EofEndsValue()) {
    result.end = n;
    return result;
  }
  result.kind = ScanResult::kIncomplete;
  result.only_space = true;
  for (std::size_t k = 0; k < n; ++k) {
    if (!IsSpace(p[k])) {
      result.only_space = false;
      break;
    }
  }
  return result;
}

}  // namespace berth::json_detail
