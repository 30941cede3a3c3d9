// The reference grammar against the vectors of the spec (reference.md).
#include "berth/reference.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

const std::string k64 = std::string(64, 'f');
const std::string kDigest = "sha256:" + k64;

std::string Describe(const Result<Reference>& r) {
  if (!r) return "error: " + r.error().message();
  return "domain=" + r->domain() + " path=" + r->path() + " tag=" + r->tag() + " digest=" + r->digest();
}

TEST(ParseReference, SpecVectors) {
  struct Case {
    std::string in, want;
  } cases[] = {
      {"test_com", "domain= path=test_com tag= digest="},
      {"test.com:tag", "domain= path=test.com tag=tag digest="},
      {"test.com:5000", "domain= path=test.com tag=5000 digest="},
      {"test.com/repo:tag", "domain=test.com path=repo tag=tag digest="},
      {"test:5000/repo", "domain=test:5000 path=repo tag= digest="},
      {"test:5000/repo@" + kDigest, "domain=test:5000 path=repo tag= digest=" + kDigest},
      {"test:5000/repo:tag@" + kDigest, "domain=test:5000 path=repo tag=tag digest=" + kDigest},
      {"", "error: repository name must have at least one component"},
      {":justtag", "error: invalid reference format"},
      {"@" + kDigest, "error: invalid reference format"},
      {"repo@sha256:" + std::string(34, 'f'), "error: invalid checksum digest length"},
      {"validname@invaliddigest:" + k64, "error: unsupported digest algorithm"},
      {"Uppercase:tag", "error: repository name must be lowercase"},
      {"test:5000/Uppercase/lowercase:tag", "error: repository name must be lowercase"},
      {"lowercase:Uppercase", "domain= path=lowercase tag=Uppercase digest="},
      {"aa/asdf$$^/aa", "error: invalid reference format"},
      {"sub-dom1.foo.com/bar/baz/quux:some-long-tag",
       "domain=sub-dom1.foo.com path=bar/baz/quux tag=some-long-tag digest="},
      {"b.gcr.io/test.example.com/my-app:test.example.com",
       "domain=b.gcr.io path=test.example.com/my-app tag=test.example.com digest="},
      {"xn--n3h.com/myimage:xn--n3h.com", "domain=xn--n3h.com path=myimage tag=xn--n3h.com digest="},
      {"foo_bar.com:8080", "domain= path=foo_bar.com tag=8080 digest="},
      {"foo/foo_bar.com:8080", "domain=foo path=foo_bar.com tag=8080 digest="},
      {"192.168.1.1", "domain= path=192.168.1.1 tag= digest="},
      {"192.168.1.1:5000", "domain= path=192.168.1.1 tag=5000 digest="},
      {"192.168.1.1:5000/repo:5050", "domain=192.168.1.1:5000 path=repo tag=5050 digest="},
      {"[2001:db8::1]", "error: invalid reference format"},
      {"[2001:db8::1]:5000", "error: invalid reference format"},
      {"[2001:db8::1]:tag", "error: invalid reference format"},
      {"[2001:db8::1]/repo", "domain=[2001:db8::1] path=repo tag= digest="},
      {"[2001:db8:1:2:3:4:5:6]/repo:tag", "domain=[2001:db8:1:2:3:4:5:6] path=repo tag=tag digest="},
      {"[2001:db8::1]:5000/repo@" + kDigest, "domain=[2001:db8::1]:5000 path=repo tag= digest=" + kDigest},
      {"[::1]:5000/repo", "domain=[::1]:5000 path=repo tag= digest="},
      {"[fe80::1%eth0]:5000/repo", "error: invalid reference format"},
      {"[fe80::1%@invalidzone]:5000/repo", "error: invalid reference format"},
  };
  for (const Case& c : cases) {
    Result<Reference> r = ParseReference(c.in);
    EXPECT_EQ(Describe(r), c.want) << c.in;
    if (r) EXPECT_EQ(r->String(), c.in);
  }
  std::string too_long;
  for (int i = 0; i < 128; ++i) too_long += "a/";
  EXPECT_EQ(Describe(ParseReference(too_long + "a:tag")),
            "error: repository name must not be more than 255 characters");
  std::string max_ok;
  for (int i = 0; i < 127; ++i) max_ok += "a/";
  Result<Reference> ok = ParseReference(max_ok + "a:tag-puts-this-over-max");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->domain(), "a");
}

TEST(ParseNormalizedNamed, ValidAndInvalid) {
  for (std::string s : {"docker/docker",
                        "library/debian",
                        "debian",
                        "docker.io/docker/docker",
                        "docker.io/library/debian",
                        "docker.io/debian",
                        "index.docker.io/docker/docker",
                        "index.docker.io/library/debian",
                        "index.docker.io/debian",
                        "127.0.0.1:5000/docker/docker",
                        "127.0.0.1:5000/library/debian",
                        "127.0.0.1:5000/debian",
                        "192.168.0.1",
                        "192.168.0.1:80",
                        "192.168.0.1:8/debian",
                        "192.168.0.2:25000/debian",
                        "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
                        "[fc00::1]:5000/docker",
                        "[fc00::1]:5000/docker/docker",
                        "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
                        "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
                        "Docker/docker",
                        "DOCKER/docker",
                        "docker-rules/docker",
                        "docker---rules/docker",
                        "doc/docker",
                        "d/docker",
                        "jess/t",
                        "dock__er/docker"}) {
    EXPECT_TRUE(ParseNormalizedNamed(s).ok()) << s << ": " << Describe(ParseNormalizedNamed(s));
  }
  for (std::string s : {"https://github.com/docker/docker",
                        "docker/Docker",
                        "-docker",
                        "-docker/docker",
                        "-docker.io/docker/docker",
                        "docker///docker",
                        "docker.io/docker/Docker",
                        "docker.io/docker///docker",
                        "[fc00::1]",
                        "[fc00::1]:5000",
                        "fc00::1:5000/debian",
                        "[fe80::1%eth0]:5000/debian",
                        "[2001:db8:3:4::192.0.2.33]:5000/debian",
                        "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
                        "docker-/docker",
                        "-docker-/docker",
                        "____/____",
                        "_docker/_docker",
                        "dock..er/docker",
                        "dock_.er/docker",
                        "dock-.er/docker",
                        "docker/"}) {
    EXPECT_FALSE(ParseNormalizedNamed(s).ok()) << s;
  }
  EXPECT_EQ(ParseNormalizedNamed("docker/Docker").error().message(),
            "invalid reference format: repository name (docker/Docker) must be lowercase");
  EXPECT_EQ(ParseNormalizedNamed("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a").error().message(),
            "invalid repository name (1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a), "
            "cannot specify 64-byte hexadecimal strings");
  std::string long_name =
      "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_"
      "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_"
      "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_"
      "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker";
  EXPECT_EQ(ParseNormalizedNamed(long_name).error().message(), "repository name must not be more than 255 characters");
}

TEST(ParseNormalizedNamed, Normalization) {
  struct Case {
    std::string in, familiar, full, domain, path;
  } cases[] = {
      {"fooo/bar", "fooo/bar", "docker.io/fooo/bar", "docker.io", "fooo/bar"},
      {"index.docker.io/fooo/bar", "fooo/bar", "docker.io/fooo/bar", "docker.io", "fooo/bar"},
      {"ubuntu", "ubuntu", "docker.io/library/ubuntu", "docker.io", "library/ubuntu"},
      {"library/ubuntu", "ubuntu", "docker.io/library/ubuntu", "docker.io", "library/ubuntu"},
      {"other/library", "other/library", "docker.io/other/library", "docker.io", "other/library"},
      {"127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase",
       "127.0.0.1:8000", "private/moonbase"},
      {"ubuntu-12.04-base", "ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base", "docker.io",
       "library/ubuntu-12.04-base"},
      {"docker.io/foo", "foo", "docker.io/library/foo", "docker.io", "library/foo"},
      {"library/foo/bar", "library/foo/bar", "docker.io/library/foo/bar", "docker.io", "library/foo/bar"},
      {"Foo/bar", "Foo/bar", "Foo/bar", "Foo", "bar"},
      {"FOO/bar", "FOO/bar", "FOO/bar", "FOO", "bar"},
      {"test_com/foo", "test_com/foo", "docker.io/test_com/foo", "docker.io", "test_com/foo"},
      {"xn--n3h.com:18080/foo", "xn--n3h.com:18080/foo", "xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"},
  };
  for (const Case& c : cases) {
    Result<Reference> r = ParseNormalizedNamed(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.error().message();
    EXPECT_EQ(r->FamiliarName(), c.familiar) << c.in;
    EXPECT_EQ(r->Name(), c.full) << c.in;
    EXPECT_EQ(r->domain(), c.domain) << c.in;
    EXPECT_EQ(r->path(), c.path) << c.in;
  }
  std::string both = "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
  Result<Reference> r = ParseNormalizedNamed(both);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->String(), "docker.io/library/" + both);
  EXPECT_EQ(r->FamiliarString(), both);
}

TEST(ParseAnyReference, SpecVectors) {
  const std::string id = "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
  struct Case {
    std::string in, string;
    bool named;
  } cases[] = {
      {"redis", "docker.io/library/redis", true},
      {"redis:latest", "docker.io/library/redis:latest", true},
      {"redis@sha256:" + id, "docker.io/library/redis@sha256:" + id, true},
      {"dmcgowan/myapp:latest", "docker.io/dmcgowan/myapp:latest", true},
      {id, "sha256:" + id, false},
      {"sha256:" + id, "sha256:" + id, false},
      {id.substr(0, 63), "docker.io/library/" + id.substr(0, 63), true},
      {"dbcc1", "docker.io/library/dbcc1", true},
      {"sha256:abc", "docker.io/library/sha256:abc", true},
  };
  for (const Case& c : cases) {
    Result<Reference> r = ParseAnyReference(c.in);
    ASSERT_TRUE(r.ok()) << c.in;
    EXPECT_EQ(r->String(), c.string) << c.in;
    EXPECT_EQ(r->named(), c.named) << c.in;
  }
}

TEST(References, HelpersAndCanonicalForms) {
  EXPECT_EQ(ParseNamed("test.com/foo")->String(), "test.com/foo");
  EXPECT_EQ(ParseNamed("docker.io/library/foo")->String(), "docker.io/library/foo");
  for (std::string s : {"test_com/foo", "test.com", "foo", "library/foo", "docker.io/foo"})
    EXPECT_EQ(ParseNamed(s).error().message(), "repository name must be canonical") << s;

  const std::string d = "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";
  EXPECT_EQ(ParseDockerRef("busybox")->String(), "docker.io/library/busybox:latest");
  EXPECT_EQ(ParseDockerRef("busybox@" + d)->String(), "docker.io/library/busybox@" + d);
  EXPECT_EQ(ParseDockerRef("gcr.io/library/busybox:latest@" + d)->String(), "gcr.io/library/busybox@" + d);
  EXPECT_EQ(ParseDockerRef("docker.io/busybox")->String(), "docker.io/library/busybox:latest");

  for (std::string s : {std::string(), std::string(":justtag"), "@" + kDigest, std::string("aa/asdf$$^/aa")})
    EXPECT_EQ(WithName(s).error().message(), "invalid reference format") << s;
  EXPECT_EQ(WithName("test_com/foo")->domain(), "");
  EXPECT_EQ(WithName("test-com:8080/foo")->domain(), "test-com:8080");

  Result<Reference> canonical = ParseReference("test.com:8000/foo@sha256:" + std::string(64, '1'));
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(WithTag(*canonical, "TAG5")->String(), "test.com:8000/foo:TAG5@sha256:" + std::string(64, '1'));
  EXPECT_EQ(WithTag(*canonical, "-bad").error().message(), "invalid tag format");
  Result<Reference> tagged = ParseReference("test.com:8000/foo:latest");
  EXPECT_EQ(WithDigest(*tagged, "sha256:1234567890098765432112345667890098765")->String(),
            "test.com:8000/foo:latest@sha256:1234567890098765432112345667890098765");
  EXPECT_EQ(WithDigest(*tagged, "nope").error().message(), "invalid digest format");
  EXPECT_EQ(TagNameOnly(*ParseNormalizedNamed("foo")).String(), "docker.io/library/foo:latest");
  EXPECT_EQ(TrimNamed(*canonical).String(), "test.com:8000/foo");
}

TEST(ValidateDigest, GoDigestRules) {
  EXPECT_TRUE(ValidateDigest(kDigest).ok());
  EXPECT_TRUE(ValidateDigest("sha512:" + std::string(128, 'a')).ok());
  EXPECT_EQ(ValidateDigest("sha256:" + std::string(64, 'F')).message(), "invalid checksum digest format");
  EXPECT_EQ(ValidateDigest("sha256:abc").message(), "invalid checksum digest length");
  EXPECT_EQ(ValidateDigest("md5:abc").message(), "unsupported digest algorithm");
  EXPECT_EQ(ValidateDigest("MD5:abc").message(), "invalid checksum digest format");
  EXPECT_EQ(ValidateDigest(":abc").message(), "invalid checksum digest format");
  EXPECT_EQ(ValidateDigest("sha256:").message(), "invalid checksum digest format");
}

TEST(ParseNormalizedNamed, UnicodeUpperCaseCountsAsGoSeesIt) {
  // U+00C9 lowers to U+00E9: the remote name "has upper case".
  EXPECT_EQ(ParseNormalizedNamed("foo/\xc3\x89").error().message(),
            "invalid reference format: repository name (foo/\xc3\x89) must be lowercase");
  // Invalid UTF-8 changes under Go's ToLower too (it becomes U+FFFD).
  EXPECT_EQ(ParseNormalizedNamed("foo/\xff").error().message(),
            "invalid reference format: repository name (foo/\xff) must be lowercase");
  // The Kelvin sign lowers to ASCII 'k': Parse calls that upper case.
  EXPECT_EQ(ParseReference("\xe2\x84\xaa"
                           "ey")
                .error()
                .message(),
            "repository name must be lowercase");
}

}  // namespace
}  // namespace berth
