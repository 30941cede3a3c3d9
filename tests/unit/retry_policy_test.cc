// The registry transport's retry policy: which answers are asked again,
// how long it waits, and when it gives up.
#include "registry/retry_policy.h"

#include <gtest/gtest.h>

namespace berth::registry {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// 2015-10-21 07:28:00 UTC, the date RFC 9110's example uses.
constexpr std::time_t kNow = 1445412480;

TEST(ParseRetryAfter, DeltaSecondsAndDates) {
  EXPECT_EQ(ParseRetryAfter("0", kNow), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("3", kNow), seconds(3));
  EXPECT_EQ(ParseRetryAfter("9999999", kNow), std::chrono::hours(24));  // too long to read as given
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:05 GMT", kNow), seconds(5));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", kNow), seconds(0));  // in the past
  EXPECT_EQ(ParseRetryAfter("", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-1", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:05 GMT and more", kNow), std::nullopt);
}

TEST(RetryPolicy, RetriesRateLimitsAndUnavailableWithRetryAfter) {
  RetryPolicy policy;
  EXPECT_EQ(policy.DelayBeforeRetry(0, 429, "1", kNow), seconds(1));
  EXPECT_EQ(policy.DelayBeforeRetry(0, 503, "1", kNow), seconds(1));
  // Other statuses are answers, not reasons to wait.
  for (long status : {200L, 401L, 404L, 408L, 500L, 502L}) {
    EXPECT_EQ(policy.DelayBeforeRetry(0, status, "1", kNow), std::nullopt) << status;
  }
  // Without a Retry-After the registry's error is the answer.
  EXPECT_EQ(policy.DelayBeforeRetry(0, 429, "", kNow), std::nullopt);
}

TEST(RetryPolicy, WaitsTheLargerOfRetryAfterAndTheBackoff) {
  RetryPolicy policy;  // 250 ms doubling, at most 10 s, 3 retries
  EXPECT_EQ(policy.DelayBeforeRetry(0, 429, "0", kNow), milliseconds(250));
  EXPECT_EQ(policy.DelayBeforeRetry(1, 429, "0", kNow), milliseconds(500));
  EXPECT_EQ(policy.DelayBeforeRetry(2, 429, "0", kNow), milliseconds(1000));
  EXPECT_EQ(policy.DelayBeforeRetry(2, 429, "4", kNow), seconds(4));
}

TEST(RetryPolicy, GivesUpAtTheLimitOrBeyondTheLongestWait) {
  RetryPolicy policy;
  EXPECT_EQ(policy.DelayBeforeRetry(3, 429, "1", kNow), std::nullopt);   // three retries made
  EXPECT_EQ(policy.DelayBeforeRetry(0, 429, "11", kNow), std::nullopt);  // over max_wait: not waited for
  EXPECT_EQ(policy.DelayBeforeRetry(0, 429, "10", kNow), seconds(10));
  policy.max_retries = 0;
  EXPECT_EQ(policy.DelayBeforeRetry(0, 429, "1", kNow), std::nullopt);
  policy.max_retries = 40;
  policy.max_wait = seconds(5);
  EXPECT_EQ(policy.DelayBeforeRetry(30, 503, "0", kNow), seconds(5));  // the backoff is capped too
}

}  // namespace
}  // namespace berth::registry
