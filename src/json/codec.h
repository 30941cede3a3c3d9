// Codec<T>: how one C++ type crosses the wire as Go's encoding/json would
// move the Go type it stands for. Each codec gives
//   GoType()            the Go type's name, as error messages print it;
//   IsEmpty(v)          Go's omitempty test;
//   Encode(w, v)        the JSON text;
//   Estimate(v)         about how many bytes Encode writes (sizes the
//                       buffer once; escapes may make it longer);
//   Decode(d, v, type)  decode the next value into v (`type` names v's Go
//                       type in errors); false when decoding must stop.
// Structs are described once, as a field table (Schema<S>, schemas.h), and
// serve both directions.
#ifndef BERTH_SRC_JSON_CODEC_H_
#define BERTH_SRC_JSON_CODEC_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "berth/list.h"
#include "internal/base64.h"
#include "json/decoder.h"
#include "json/writer.h"

namespace berth {
namespace json_detail {

template <class T, class Enable = void>
struct Codec;

// Decodes the next value into v with v's own Go type name.
template <class T>
bool DecodeValue(Decoder& d, T& v) {
  return Codec<T>::Decode(d, v, Codec<T>::GoType());
}

// ---- scalars --------------------------------------------------------------

template <>
struct Codec<std::string> {
  static std::string_view GoType() { return "string"; }
  static bool IsEmpty(const std::string& v) { return v.empty(); }
  static void Encode(Writer& w, const std::string& v) { w.String(v); }
  static std::size_t Estimate(const std::string& v) { return v.size() + 2; }
  static bool Decode(Decoder& d, std::string& v, std::string_view type) {
    switch (d.Peek()) {
      case '"': return d.ReadString(v);
      case 'n': return !d.ReadLiteral().empty();  // null leaves the string as it was
      default: return d.Mismatch(type);
    }
  }
};

template <>
struct Codec<bool> {
  static std::string_view GoType() { return "bool"; }
  static bool IsEmpty(bool v) { return !v; }
  static void Encode(Writer& w, bool v) { w.Bool(v); }
  static std::size_t Estimate(bool) { return 5; }
  static bool Decode(Decoder& d, bool& v, std::string_view type) {
    switch (d.Peek()) {
      case 't':
      case 'f': {
        std::string_view lit = d.ReadLiteral();
        if (lit.empty()) return false;
        v = lit[0] == 't';
        return true;
      }
      case 'n': return !d.ReadLiteral().empty();
      default: return d.Mismatch(type);
    }
  }
};

// Go's strconv.ParseInt(s, 10, 64) / ParseUint on a JSON number literal.
bool ParseGoInt(std::string_view s, std::int64_t& out);
bool ParseGoUint(std::string_view s, std::uint64_t& out);

template <class Int>
struct IntCodec {
  static bool IsEmpty(Int v) { return v == 0; }
  static void Encode(Writer& w, Int v) { w.Int(static_cast<std::int64_t>(v)); }
  static std::size_t Estimate(Int) { return 8; }
  static bool Decode(Decoder& d, Int& v, std::string_view type) {
    char c = d.Peek();
    if (c == 'n') return !d.ReadLiteral().empty();
    if (c != '-' && (c < '0' || c > '9')) return d.Mismatch(type);
    std::string_view lit = d.ReadLiteral();
    if (lit.empty()) return false;
    bool ok;
    if constexpr (std::is_signed_v<Int>) {
      std::int64_t n;
      ok = ParseGoInt(lit, n);
      if (ok) v = static_cast<Int>(n);
    } else {
      std::uint64_t n;
      ok = ParseGoUint(lit, n) && n <= std::numeric_limits<Int>::max();
      if (ok) v = static_cast<Int>(n);
    }
    if (!ok) {
      std::string what = "number ";
      what += lit;
      d.SaveTypeError(what, type);
    }
    return true;
  }
};

template <>
struct Codec<std::int64_t> : IntCodec<std::int64_t> {
  static std::string_view GoType() { return "int64"; }
};
template <>
struct Codec<std::uint8_t> : IntCodec<std::uint8_t> {
  static std::string_view GoType() { return "uint8"; }
};

// ---- lists (Go slices) ----------------------------------------------------

}  // namespace json_detail

namespace json_detail {

// The decoder's view of a List's Go slice state (see berth/list.h).
struct ListAccess {
  // Go: reflect.Value.Index(i) while decoding element i of an array, after
  // growing the slice as decodeState.array does.
  template <class T>
  static T& Element(List<T>& l, std::size_t i) {
    l.nil_ = false;
    if (i < l.items_.size()) return l.items_[i];
    if (l.items_.size() >= l.cap_) {
      std::size_t cap = l.cap_ + l.cap_ / 2;
      l.cap_ = cap < 4 ? 4 : cap;
      l.items_.reserve(l.cap_);
    }
    if (!l.spare_.empty()) {
      l.items_.push_back(std::move(l.spare_.back()));
      l.spare_.pop_back();
    } else {
      l.items_.emplace_back();
    }
    return l.items_.back();
  }
  // Go: the array held `count` elements; shorten the slice (keeping the rest
  // behind its length) or, for `[]`, make a new empty slice.
  template <class T>
  static void Finish(List<T>& l, std::size_t count) {
    if (count == 0) {
      l.items_.clear();
      l.spare_.clear();
      l.cap_ = 0;
      l.nil_ = false;
      return;
    }
    while (l.items_.size() > count) {
      l.spare_.push_back(std::move(l.items_.back()));
      l.items_.pop_back();
    }
  }
  // Go: v.SetBytes(b) with cap(b) == capacity.
  static void SetBytes(List<std::uint8_t>& l, std::vector<std::uint8_t> bytes, std::size_t capacity) {
    l.items_ = std::move(bytes);
    l.spare_.clear();
    l.cap_ = capacity;
    l.nil_ = false;
  }
};

template <class T>
struct Codec<List<T>> {
  static std::string_view GoType() {
    static const std::string name = "[]" + std::string(Codec<T>::GoType());
    return name;
  }
  static bool IsEmpty(const List<T>& v) { return v.empty(); }
  static std::size_t Estimate(const List<T>& v) {
    if constexpr (std::is_same_v<T, std::uint8_t>) {
      return v.size() / 3 * 4 + 6;
    } else {
      std::size_t n = 2 + v.size();
      for (const T& item : v) n += Codec<T>::Estimate(item);
      return n;
    }
  }
  static void Encode(Writer& w, const List<T>& v) {
    if (v.is_nil()) {
      w.Null();
      return;
    }
    if constexpr (std::is_same_v<T, std::uint8_t>) {
      w.Base64String(v.items().data(), v.size());  // []byte
    } else {
      w.Char('[');
      bool first = true;
      for (const T& item : v) {
        if (!first) w.Char(',');
        first = false;
        Codec<T>::Encode(w, item);
      }
      w.Char(']');
    }
  }
  static bool Decode(Decoder& d, List<T>& v, std::string_view type) {
    switch (d.Peek()) {
      case 'n':
        if (d.ReadLiteral().empty()) return false;
        v.reset();
        return true;
      case '[': return DecodeArray(d, v);
      case '"':
        if constexpr (std::is_same_v<T, std::uint8_t>) return DecodeBytes(d, v);
        return d.Mismatch(type);
      default: return d.Mismatch(type);
    }
  }

 private:
  static bool DecodeArray(Decoder& d, List<T>& v) {
    std::size_t i = 0;
    if (!d.ForEachElement([&] { return DecodeValue(d, ListAccess::Element(v, i++)); })) return false;
    ListAccess::Finish(v, i);
    return true;
  }
  static bool DecodeBytes(Decoder& d, List<std::uint8_t>& v) {
    std::string text;
    if (!d.ReadString(text)) return false;
    std::size_t capacity = text.size() / 4 * 3;
    std::vector<std::uint8_t> bytes(capacity);
    detail::Base64Decoded r = detail::GoBase64Decode(text, bytes.data(), detail::Base64Alphabet::kStd);
    if (r.error_at != detail::kNoBase64Error) {
      d.SaveError(detail::Base64ErrorMessage(r.error_at));
      return true;
    }
    bytes.resize(r.written);
    ListAccess::SetBytes(v, std::move(bytes), capacity);
    return true;
  }
};

// ---- pointers (std::optional) ---------------------------------------------

template <class T>
struct Codec<std::optional<T>> {
  static std::string_view GoType() {
    static const std::string name = "*" + std::string(Codec<T>::GoType());
    return name;
  }
  static bool IsEmpty(const std::optional<T>& v) { return !v.has_value(); }
  static std::size_t Estimate(const std::optional<T>& v) { return v ? Codec<T>::Estimate(*v) : 4; }
  static void Encode(Writer& w, const std::optional<T>& v) {
    if (!v) {
      w.Null();
      return;
    }
    Codec<T>::Encode(w, *v);
  }
  static bool Decode(Decoder& d, std::optional<T>& v, std::string_view) {
    if (d.Peek() == 'n') {
      if (d.ReadLiteral().empty()) return false;
      v.reset();
      return true;
    }
    if (!v) v.emplace();  // Go allocates, then decodes into it
    return DecodeValue(d, *v);
  }
};

// ---- maps with string keys (nullopt is a nil map) -------------------------

template <class V>
struct Codec<std::optional<std::map<std::string, V>>> {
  using Map = std::map<std::string, V>;
  static std::string_view GoType() {
    static const std::string name = "map[string]" + std::string(Codec<V>::GoType());
    return name;
  }
  static bool IsEmpty(const std::optional<Map>& v) { return !v || v->empty(); }
  static std::size_t Estimate(const std::optional<Map>& v) {
    if (!v) return 4;
    std::size_t n = 2;
    for (const auto& [key, value] : *v) n += key.size() + 4 + Codec<V>::Estimate(value);
    return n;
  }
  static void Encode(Writer& w, const std::optional<Map>& v) {
    if (!v) {
      w.Null();
      return;
    }
    // std::map orders keys bytewise, as Go sorts them.
    w.Char('{');
    bool first = true;
    for (const auto& [key, value] : *v) {
      if (!first) w.Char(',');
      first = false;
      w.String(key);
      w.Char(':');
      Codec<V>::Encode(w, value);
    }
    w.Char('}');
  }
  static bool Decode(Decoder& d, std::optional<Map>& v, std::string_view type) {
    switch (d.Peek()) {
      case 'n':
        if (d.ReadLiteral().empty()) return false;
        v.reset();
        return true;
      case '{': break;
      default: return d.Mismatch(type);
    }
    if (!v) v.emplace();
    return d.ForEachMember([&](std::string_view key_view) {
      std::string key(key_view);
      V element{};  // Go decodes each map value into a fresh zero value
      if (!DecodeValue(d, element)) return false;
      (*v)[std::move(key)] = std::move(element);
      return true;
    });
  }
};

// ---- structs ----------------------------------------------------------------

template <class S, class M>
struct Field {
  constexpr Field(std::string_view json_name, M S::*field_member, bool omit, std::string_view go_type_name = {})
      : name(json_name), member(field_member), omitempty(omit), go_type(go_type_name), key(json_name) {}

  std::string_view name;  // the JSON key
  M S::*member;
  bool omitempty;
  // The Go type, when the C++ type does not say it (int vs int64,
  // digest.Digest); empty means Codec<M>::GoType().
  std::string_view go_type;
  MemberKey key;  // what the encoder writes before the value
};

template <class S>
struct Schema;  // kName ("AuthConfig"), kGoType ("registry.AuthConfig"),
                // kFields: std::tuple<Field<S, M>...> in declaration order

// Byte equality without a call for the short strings that keys are.
inline bool SameKey(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  std::uint64_t x, y;
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return false;
  }
  std::memcpy(&x, a.data() + n - 8, 8);  // the tail, overlapping
  std::memcpy(&y, b.data() + n - 8, 8);
  return x == y;
}

// Go's case-insensitive key match for an ASCII field name: ASCII letters in
// either case, U+017F (long s) for s and U+212A (Kelvin) for k.
bool FoldedKeyMatches(std::string_view name, std::string_view key);

template <class S>
struct StructCodec {
  static std::string_view GoType() { return Schema<S>::kGoType; }
  static bool IsEmpty(const S&) { return false; }  // Go never omits structs
  static std::size_t Estimate(const S& v) {
    std::size_t n = 2;
    std::apply(
        [&](const auto&... f) {
          ((n += f.key.size + Codec<std::remove_cvref_t<decltype(v.*(f.member))>>::Estimate(v.*(f.member))), ...);
        },
        Schema<S>::kFields);
    return n;
  }
  static void Encode(Writer& w, const S& v) {
    w.Char('{');
    bool first = true;
    std::apply([&](const auto&... f) { (EncodeField(w, v, f, first), ...); }, Schema<S>::kFields);
    w.Char('}');
  }
  static bool Decode(Decoder& d, S& v, std::string_view type) {
    switch (d.Peek()) {
      case 'n': return !d.ReadLiteral().empty();  // null into a struct does nothing
      case '{': return DecodeObject(d, v);
      default: return d.Mismatch(type);
    }
  }

 private:
  template <class M>
  static void EncodeField(Writer& w, const S& v, const Field<S, M>& f, bool& first) {
    const M& value = v.*(f.member);
    if (f.omitempty && Codec<M>::IsEmpty(value)) return;
    w.Key(f.key, first);
    first = false;
    Codec<M>::Encode(w, value);
  }

  // The index of the field a member key names (exact match first, then
  // Go's folding), or -1.
  static int FindField(std::string_view key) {
    for (int i = 0; i < static_cast<int>(kNames.size()); ++i)
      if (SameKey(kNames[i], key)) return i;
    for (int i = 0; i < static_cast<int>(kNames.size()); ++i)
      if (FoldedKeyMatches(kNames[i], key)) return i;
    return -1;
  }

  // The JSON keys in field order, as a plain array to loop over.
  static constexpr auto kNames = std::apply(
      [](const auto&... f) { return std::array<std::string_view, sizeof...(f)>{f.name...}; }, Schema<S>::kFields);

  template <class M>
  static bool DecodeField(Decoder& d, S& v, const Field<S, M>& f) {
    d.EnterField(Schema<S>::kName, f.name);
    std::string_view type = f.go_type.empty() ? Codec<M>::GoType() : f.go_type;
    return Codec<M>::Decode(d, v.*(f.member), type);
  }

  // Each key with its quotes, padded for fixed-size compares.
  struct QuotedKey {
    char text[64];
    std::size_t size;
  };
  static constexpr auto kQuotedKeys = std::apply(
      [](const auto&... f) {
        auto quote = [](std::string_view name) {
          QuotedKey k{};
          std::size_t i = 0;
          k.text[i++] = '"';
          for (char c : name) k.text[i++] = c;
          k.text[i++] = '"';
          k.size = i;
          return k;
        };
        return std::array<QuotedKey, sizeof...(f)>{quote(f.name)...};
      },
      Schema<S>::kFields);

  // One decoding function per field, indexed like kNames.
  using FieldDecoder = bool (*)(Decoder&, S&);
  template <std::size_t... I>
  static constexpr std::array<FieldDecoder, sizeof...(I)> MakeFieldDecoders(std::index_sequence<I...>) {
    return {[](Decoder& d, S& v) { return DecodeField(d, v, std::get<I>(Schema<S>::kFields)); }...};
  }
  static constexpr auto kFieldDecoders = MakeFieldDecoders(std::make_index_sequence<kNames.size()>());

  static bool DecodeFieldAt(Decoder& d, S& v, int wanted) {
    return kFieldDecoders[static_cast<std::size_t>(wanted)](d, v);
  }

  static bool DecodeObject(Decoder& d, S& v) {
    const Decoder::Mark outer = d.mark();
    if (Decoder::Open open = d.OpenContainer('{', '}'); open != Decoder::Open::kMembers)
      return open == Decoder::Open::kEmpty;  // `{}`, or bad input
    int last = -1;
    for (;;) {
      // Go writes fields in declaration order, so the key is most likely
      // one of those after the last one seen, spelled exactly: try those as
      // raw bytes ("name" with its quotes) before reading the key.
      int field = -1;
      for (int f = last + 1; f < static_cast<int>(kQuotedKeys.size()); ++f) {
        if (d.MatchQuotedKey(kQuotedKeys[f].text, kQuotedKeys[f].size)) {
          field = f;
          break;
        }
      }
      if (field < 0) {
        std::string_view key;
        if (!d.ReadKey(key)) return false;
        field = FindField(key);
      }
      if (field >= 0) last = field;
      d.SkipSpace();
      if (!d.Consume(':')) return false;
      d.SkipSpace();
      if (field < 0) {
        if (!d.SkipValue()) return false;  // unknown members are ignored
      } else {
        if (!DecodeFieldAt(d, v, field)) return false;
        d.Restore(outer);
      }
      Decoder::Next next = d.AfterMember('}');
      if (next == Decoder::Next::kBad) return false;
      if (next == Decoder::Next::kDone) return true;
    }
  }
};

template <class S>
struct Codec<S, std::void_t<decltype(Schema<S>::kGoType)>> : StructCodec<S> {};

}  // namespace json_detail
}  // namespace berth

#endif  // BERTH_SRC_JSON_CODEC_H_
