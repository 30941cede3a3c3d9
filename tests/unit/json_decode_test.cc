// Decoding with Go's encoding/json rules: exact then case-folded member
// names, unknown members ignored, null semantics, U+FFFD for invalid UTF-8,
// and Go's error texts.
#include <gtest/gtest.h>

#include "berth/json.h"

namespace berth {
namespace {

template <class T>
std::string Roundtrip(std::string_view in) {
  T v{};
  Status s = Unmarshal(in, v);
  if (!s) return "error: " + s.message();
  return Marshal(v, MarshalOptions{.escape_html = false});
}

TEST(Unmarshal, KeyFolding) {
  EXPECT_EQ(Roundtrip<AuthConfig>(R"({"USERNAME":"x","UserName":"y"})"), R"({"username":"y"})");
  EXPECT_EQ(Roundtrip<AuthConfig>("{\"u\xc5\xbf"
                                  "ername\":\"s\"}"),
            R"({"username":"s"})");
  EXPECT_EQ(Roundtrip<AuthConfig>("{\"identityto\xe2\x84\xaa"
                                  "en\":\"k\"}"),
            R"({"identitytoken":"k"})");
  // No folding onto letters that are not s or k.
  EXPECT_EQ(Roundtrip<AuthConfig>("{\"\xc5\xbf\":\"s\"}"), "{}");
  EXPECT_EQ(Roundtrip<SearchResult>(R"({"STAR_COUNT":3})"),
            R"({"star_count":3,"is_official":false,"name":"","is_automated":false,"description":""})");
}

TEST(Unmarshal, NullsUnknownsAndDuplicates) {
  EXPECT_EQ(Roundtrip<AuthConfig>(R"({"username":"a","username":null,"x":{"y":[1,{}]}})"), R"({"username":"a"})");
  EXPECT_EQ(Roundtrip<AuthConfig>("null"), "{}");
  EXPECT_EQ(Roundtrip<SearchResults>(R"({"results":[],"results":null})"),
            R"({"query":"","num_results":0,"results":null})");
}

TEST(Unmarshal, RepeatedArraysReuseGoBackingStore) {
  // Go decodes the third array into the first one's backing array: the
  // element that the second array cut off comes back under the null.
  EXPECT_EQ(Roundtrip<IndexInfo>(R"({"Mirrors":["a","b"],"Mirrors":["x"],"Mirrors":["y",null]})"),
            R"({"Name":"","Mirrors":["y","b"],"Secure":false,"Official":false})");
  // `[]` makes a new, empty slice: nothing comes back.
  EXPECT_EQ(Roundtrip<IndexInfo>(R"({"Mirrors":["a","b"],"Mirrors":[],"Mirrors":[null,null]})"),
            R"({"Name":"","Mirrors":["",""],"Secure":false,"Official":false})");
  // Elements are decoded into, not replaced.
  EXPECT_EQ(
      Roundtrip<SearchResults>(R"({"results":[{"name":"a","star_count":5}],"results":[{"name":"b"}]})"),
      R"({"query":"","num_results":0,"results":[{"star_count":5,"is_official":false,"name":"b","is_automated":false,"description":""}]})");
}

TEST(Unmarshal, StringsAreRepaired) {
  EXPECT_EQ(Roundtrip<AuthConfig>(R"({"username":"\ud83d\ude00\ud800x\udc00\u00e9"})"),
            "{\"username\":\"\xf0\x9f\x98\x80\xef\xbf\xbdx\xef\xbf\xbd\xc3\xa9\"}");
  EXPECT_EQ(Roundtrip<AuthConfig>("{\"username\":\"a\xff\xc0\x80\"}"),
            "{\"username\":\"a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}");
}

TEST(Unmarshal, TypeErrorsCarryGoContext) {
  EXPECT_EQ(Roundtrip<AuthConfig>(R"({"username":1})"),
            "error: json: cannot unmarshal number into Go struct field AuthConfig.username of type string");
  EXPECT_EQ(Roundtrip<AuthConfig>("[]"),
            "error: json: cannot unmarshal array into Go value of type registry.AuthConfig");
  EXPECT_EQ(Roundtrip<SearchResult>(R"({"star_count":1.5})"),
            "error: json: cannot unmarshal number 1.5 into Go struct field SearchResult.star_count of type int");
  EXPECT_EQ(Roundtrip<SearchResults>(R"({"results":[{"name":true}]})"),
            "error: json: cannot unmarshal bool into Go struct field SearchResult.results.name of type string");
  EXPECT_EQ(
      Roundtrip<DistributionInspect>(R"({"Descriptor":{"digest":5}})"),
      "error: json: cannot unmarshal number into Go struct field Descriptor.Descriptor.digest of type digest.Digest");
  EXPECT_EQ(
      Roundtrip<DistributionInspect>(R"({"Descriptor":{"platform":[]}})"),
      "error: json: cannot unmarshal array into Go struct field Descriptor.Descriptor.platform of type v1.Platform");
  EXPECT_EQ(
      Roundtrip<DistributionInspect>(R"({"Platforms":{}})"),
      "error: json: cannot unmarshal object into Go struct field DistributionInspect.Platforms of type []v1.Platform");
  EXPECT_EQ(
      Roundtrip<ServiceConfig>(R"({"IndexConfigs":{"a":{"Mirrors":"x"}}})"),
      "error: json: cannot unmarshal string into Go struct field IndexInfo.IndexConfigs.Mirrors of type []string");
  // The first type error wins; decoding goes on past it.
  EXPECT_EQ(Roundtrip<AuthConfig>(R"({"username":1,"password":true})"),
            "error: json: cannot unmarshal number into Go struct field AuthConfig.username of type string");
}

TEST(Unmarshal, NetIPNetErrorsStopDecoding) {
  EXPECT_EQ(
      Roundtrip<ServiceConfig>(R"({"InsecureRegistryCIDRs":["10.0.0.1/8"]})"),
      R"({"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":["10.0.0.0/8"],"IndexConfigs":null,"Mirrors":null})");
  EXPECT_EQ(Roundtrip<ServiceConfig>(R"({"Mirrors":1,"InsecureRegistryCIDRs":["nope"]})"),
            "error: invalid CIDR address: nope");
  EXPECT_EQ(
      Roundtrip<ServiceConfig>(R"({"InsecureRegistryCIDRs":[5]})"),
      "error: json: cannot unmarshal number into Go struct field ServiceConfig.InsecureRegistryCIDRs of type string");
}

TEST(Unmarshal, BytesFromBase64OrNumbers) {
  EXPECT_EQ(Roundtrip<Descriptor>(R"({"data":"+/8="})"), R"({"mediaType":"","digest":"","size":0,"data":"+/8="})");
  EXPECT_EQ(Roundtrip<Descriptor>(R"({"data":[251,255]})"), R"({"mediaType":"","digest":"","size":0,"data":"+/8="})");
  EXPECT_EQ(Roundtrip<Descriptor>(R"({"data":"+/8"})"), "error: illegal base64 data at input byte 0");
  EXPECT_EQ(Roundtrip<Descriptor>(R"({"data":[256]})"),
            "error: json: cannot unmarshal number 256 into Go struct field Descriptor.data of type uint8");
}

TEST(DecodeFirstValue, ReadsOnlyTheFirstValue) {
  AuthConfig a;
  EXPECT_TRUE(DecodeFirstValue(R"({"username":"a"} {"username":"b"})", a).ok());
  EXPECT_EQ(a.username, "a");
  AuthConfig b;
  Status s = DecodeFirstValue("", b);
  EXPECT_EQ(s.message(), "EOF");
  s = DecodeFirstValue("{", b);
  EXPECT_EQ(s.message(), "unexpected EOF");
}

}  // namespace
}  // namespace berth

namespace berth {
namespace {

TEST(Unmarshal, InvalidInputLeavesTheTargetUntouched) {
  // Go scans before decoding: a syntax error anywhere means no change.
  SearchResults r;
  r.query = "kept";
  r.results = {SearchResult{}};
  Status s = Unmarshal(R"({"query":"new","results":[{"name":"x"}],)", r);
  EXPECT_EQ(s.message(), "unexpected end of JSON input");
  EXPECT_EQ(r.query, "kept");
  EXPECT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].name, "");
}

TEST(Unmarshal, UnmarshallerErrorKeepsWhatWasDecodedBefore) {
  // As in Go, a NetIPNet error stops decoding where it happens.
  ServiceConfig c;
  Status s = Unmarshal(
      R"({"Mirrors":["m"],"InsecureRegistryCIDRs":["x"],"AllowNondistributableArtifactsHostnames":["h"]})", c);
  EXPECT_EQ(s.message(), "invalid CIDR address: x");
  EXPECT_EQ(c.mirrors.size(), 1u);
  EXPECT_TRUE(c.allow_nondistributable_artifacts_hostnames.is_nil());
  // ... unless the rest is not valid JSON: then the syntax error wins.
  ServiceConfig d;
  s = Unmarshal(R"({"Mirrors":["m"],"InsecureRegistryCIDRs":["x"],})", d);
  EXPECT_EQ(s.message(), "invalid character '}' looking for beginning of object key string");
  EXPECT_TRUE(d.mirrors.is_nil());
}

TEST(Unmarshal, MergesIntoTheTargetLikeGo) {
  AuthConfig a;
  a.username = "u";
  ASSERT_TRUE(Unmarshal(R"({"password":"p"})", a).ok());
  EXPECT_EQ(a.username, "u");
  EXPECT_EQ(a.password, "p");
}

TEST(DecodeFirstValue, ScalarsEndAtTheNextByteOrEof) {
  AuthConfig a;
  EXPECT_EQ(DecodeFirstValue("123x", a).message(),
            "json: cannot unmarshal number into Go value of type registry.AuthConfig");
  EXPECT_EQ(DecodeFirstValue("01", a).message(),
            "json: cannot unmarshal number into Go value of type registry.AuthConfig");
  EXPECT_EQ(DecodeFirstValue("tru", a).message(), "unexpected EOF");
  EXPECT_EQ(DecodeFirstValue("[1,]", a).message(), "invalid character ']' looking for beginning of value");
  EXPECT_EQ(DecodeFirstValue(std::string(10001, '['), a).message(), "invalid character '[' exceeded max depth");
}

}  // namespace
}  // namespace berth
