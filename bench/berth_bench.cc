// The wire library's hot paths. bench/compare runs these beside the same
// benchmarks in Go (tests/oracle/registry/bench_test.go, identical data) and
// prints the ratios.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "berth/auth_header.h"
#include "berth/engine_api.h"
#include "berth/engine_client.h"
#include "berth/json.h"
#include "berth/reference.h"

namespace {

berth::AuthConfig TypicalAuthConfig() {
  berth::AuthConfig a;
  a.username = "testuser";
  a.password = "testpassword";
  a.server_address = "example.com";
  return a;
}

berth::SearchResults SearchResults100() {
  berth::SearchResults r;
  r.query = "image";
  r.num_results = 100;
  r.results = berth::List<berth::SearchResult>::Empty();
  for (int i = 0; i < 100; ++i) {
    berth::SearchResult s;
    char buf[128];
    std::snprintf(buf, sizeof buf, "library/image-%d", i);
    s.name = buf;
    std::snprintf(buf, sizeof buf, "An image for testing number %d with <html> & stuff", i);
    s.description = buf;
    s.star_count = i * 37;
    s.is_official = i % 3 == 0;
    s.is_automated = i % 5 == 0;
    r.results.push_back(s);
  }
  return r;
}

berth::DistributionInspect DistributionInspect10() {
  berth::DistributionInspect d;
  d.descriptor.media_type = "application/vnd.oci.image.index.v1+json";
  d.descriptor.digest = "sha256:2b7412e6465c3c7fc5bb21d3e6f1917c167358449fecac8176c6e496e5c1f05f";
  d.descriptor.size = 7143;
  const char* arches[] = {"amd64", "arm", "arm", "arm64", "386", "mips64le", "ppc64le", "riscv64", "s390x", "unknown"};
  const char* variants[] = {"", "v6", "v7", "v8", "", "", "", "", "", ""};
  d.platforms = berth::List<berth::Platform>::Empty();
  for (int i = 0; i < 10; ++i) {
    berth::Platform p;
    p.architecture = arches[i];
    p.os = i == 9 ? "unknown" : "linux";
    p.variant = variants[i];
    d.platforms.push_back(p);
  }
  return d;
}

void BM_EncodeAuthConfig(benchmark::State& state) {
  berth::AuthConfig a = TypicalAuthConfig();
  for (auto _ : state) benchmark::DoNotOptimize(berth::EncodeAuthConfig(a));
}
BENCHMARK(BM_EncodeAuthConfig);

void BM_DecodeAuthConfig(benchmark::State& state) {
  std::string header = berth::EncodeAuthConfig(TypicalAuthConfig());
  for (auto _ : state) {
    berth::AuthConfigDecoding d = berth::DecodeAuthConfig(header);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_DecodeAuthConfig);

void BM_MarshalSearchResults100(benchmark::State& state) {
  berth::SearchResults r = SearchResults100();
  for (auto _ : state) benchmark::DoNotOptimize(berth::Marshal(r));
}
BENCHMARK(BM_MarshalSearchResults100);

void BM_UnmarshalSearchResults100(benchmark::State& state) {
  std::string json = berth::Marshal(SearchResults100());
  for (auto _ : state) {
    berth::SearchResults r;
    berth::Status s = berth::Unmarshal(json, r);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_UnmarshalSearchResults100);

void BM_MarshalDistributionInspect10(benchmark::State& state) {
  berth::DistributionInspect d = DistributionInspect10();
  for (auto _ : state) benchmark::DoNotOptimize(berth::Marshal(d));
}
BENCHMARK(BM_MarshalDistributionInspect10);

// A name as users type it; Go's side is Debian's distribution/reference
// (tests/reforacle/bench_test.go).
void BM_ParseNormalizedNamed(benchmark::State& state) {
  for (auto _ : state) {
    berth::Result<berth::Reference> r = berth::ParseNormalizedNamed("ubuntu:22.04");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParseNormalizedNamed);

}  // namespace

BENCHMARK_MAIN();

// berthd's hottest route without the socket: what EngineApi costs per
// GET /_ping (bench/berthd_compare measures it with the server).
static void BM_EnginePing(benchmark::State& state) {
  auto service = berth::RegistryService::Create({}).value();
  berth::EngineApi api(*service, berth::EngineOptions{});
  berth::EngineRequest request{"GET", "/v1.44/_ping", {{"host", "127.0.0.1"}, {"user-agent", "wrk"}}, ""};
  for (auto _ : state) {
    std::optional<berth::EngineResponse> r = api.HandleWithoutBlocking(request);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_EnginePing);

// One DistributionInspect through an Engine on a kept-alive connection:
// the client's CPU per round trip (the CPU column; the Engine is another
// process). bench/engine_client_compare starts berthd with its inspect
// cache warm and sets BERTH_BENCH_ENGINE (a -H value) and BERTH_BENCH_REF;
// without them the benchmark reports that it was skipped.
static void BM_EngineClientInspectWarm(benchmark::State& state) {
  const char* host = std::getenv("BERTH_BENCH_ENGINE");
  const char* ref = std::getenv("BERTH_BENCH_REF");
  if (!host || !ref) {
    state.SkipWithError("set BERTH_BENCH_ENGINE and BERTH_BENCH_REF (bench/engine_client_compare does)");
    return;
  }
  berth::EngineClientOptions options;
  options.host = host;
  auto client = berth::EngineClient::Create(options);
  if (!client.ok()) {
    state.SkipWithError(client.error().message().c_str());
    return;
  }
  berth::AuthConfig anonymous;
  if (auto warm = (*client)->DistributionInspect(ref, anonymous); !warm.ok()) {
    state.SkipWithError(warm.error().message().c_str());
    return;
  }
  for (auto _ : state) {
    auto r = (*client)->DistributionInspect(ref, anonymous);
    if (!r.ok()) {
      state.SkipWithError(r.error().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_EngineClientInspectWarm);
