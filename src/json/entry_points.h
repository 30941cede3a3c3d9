// The templates behind every JSON entry point (Unmarshal, DecodeFirstValue,
// Marshal): Go's whole-input and stream semantics, with the one-pass
// decoder and the scanner's wording for errors. Shared by the wire types
// (json.cc) and the registry's own documents (documents.cc).
#ifndef BERTH_SRC_JSON_ENTRY_POINTS_H_
#define BERTH_SRC_JSON_ENTRY_POINTS_H_

#include <optional>

#include "berth/json.h"

#include "json/codec.h"
#include "json/scanner.h"
#include "json/stream.h"

namespace berth::json_detail {

inline Error InvalidJson(std::string message) {
  return Error(ErrorKind::kInvalidParameter, std::move(message));
}

// The one-pass decoder stopped on input that the scanner then found valid:
// a bug, reported rather than papered over (the fuzz targets look for it).
inline Error Disagreement() {
  return Error(ErrorKind::kSystem, "internal error: JSON decoder and scanner disagree");
}

// Go scans the input before it decodes, so input that turns out invalid
// leaves the target as it was. The one-pass decoder writes as it goes; this
// keeps what it needs to put back.
template <class T>
class Rollback {
 public:
  Rollback(T& value, bool fresh) : value_(value) {
    // A value equal to T{} needs no copy: rolling back makes a new one.
    if (!fresh && !(value == T{})) saved_ = value;
  }
  void operator()() { value_ = saved_ ? std::move(*saved_) : T{}; }

 private:
  T& value_;
  std::optional<T> saved_;
};

// json.Unmarshal: the whole input is one value.
template <class T>
Status UnmarshalImpl(std::string_view data, T& value, bool fresh) {
  Rollback<T> rollback(value, fresh);
  Decoder d(data, 0);
  d.SkipSpace();
  if (DecodeValue(d, value)) {
    d.SkipSpace();
    if (d.at_end()) return d.status();
    d.Bad();  // something after the value
  }
  ScanResult scan = Scan(data, ScanMode::kWhole);
  if (scan.kind == ScanResult::kValue) {
    // An unmarshaller's error stopped decoding of input that is valid.
    return d.stopped() ? d.status() : Disagreement();
  }
  rollback();
  return InvalidJson(std::move(scan.error));
}

// json.Decoder.Decode on a stream holding `data`, then `end`.
template <class T>
Status DecodeStreamImpl(std::string_view data, const StreamEnd& end, T& value, bool fresh) {
  Rollback<T> rollback(value, fresh);
  Decoder d(data, 0);
  d.SkipSpace();
  const char first = d.Peek();
  if (!d.at_end() && DecodeValue(d, value)) {
    // Go's stream scanner ends a string, number or literal only at the next
    // byte, or at io.EOF; a reader error right after it comes first.
    bool scalar = first != '{' && first != '[';
    if (!(scalar && d.at_end() && !end.eof)) return d.status();
    d.Bad();
  }
  ScanResult scan = Scan(data, end.eof ? ScanMode::kFirstValue : ScanMode::kFirstValueThenError);
  if (scan.kind == ScanResult::kValue) {
    return d.stopped() ? d.status() : Disagreement();
  }
  rollback();
  if (scan.kind == ScanResult::kSyntaxError) return InvalidJson(std::move(scan.error));
  if (!end.eof) return InvalidJson(end.error);
  return InvalidJson(scan.only_space ? "EOF" : "unexpected EOF");
}

template <class T>
void MarshalImpl(std::string& out, const T& value, const MarshalOptions& o) {
  // An eighth more than the estimate leaves room for some escapes.
  std::size_t expected = Codec<T>::Estimate(value);
  Writer w(o.escape_html, expected + expected / 8);
  Codec<T>::Encode(w, value);
  out.append(w.data(), w.size());
}

}  // namespace berth::json_detail

#endif  // BERTH_SRC_JSON_ENTRY_POINTS_H_
