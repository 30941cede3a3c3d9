// Decoding a header allocates nothing beyond the strings of the result:
// counted with a replacement global operator new (hence its own binary).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>

#include "berth/auth_header.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace berth {
namespace {

long AllocationsDuring(const std::function<void()>& fn) {
  long before = g_allocations.load();
  fn();
  return g_allocations.load() - before;
}

TEST(Allocations, DecodeOfShortStringsAllocatesNothing) {
  AuthConfig a;
  a.username = "testuser";
  a.password = "testpassword";
  a.server_address = "example.com";
  std::string header = EncodeAuthConfig(a);
  long n = AllocationsDuring([&] {
    AuthConfigDecoding d = DecodeAuthConfig(header);
    ASSERT_TRUE(d.status.ok());
  });
  EXPECT_EQ(n, 0);  // every string fits std::string's inline buffer
}

TEST(Allocations, DecodeAllocatesOnlyTheResultStrings) {
  AuthConfig a;
  a.username = "a-user-name-longer-than-sso";
  a.password = "a-password-that-is-long-enough";
  a.server_address = "registry.example.com:5000";
  std::string header = EncodeAuthConfig(a);
  long n = AllocationsDuring([&] {
    AuthConfigDecoding d = DecodeAuthConfig(header);
    ASSERT_TRUE(d.status.ok());
    ASSERT_EQ(d.config, a);
  });
  EXPECT_EQ(n, 3);
}

TEST(Allocations, EncodeAllocatesOnlyTheResult) {
  AuthConfig a;
  a.username = "a-user-name-longer-than-sso";
  a.password = "a-password-that-is-long-enough";
  long n = AllocationsDuring([&] { EncodeAuthConfig(a); });
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace berth
