// Work spread over a few threads: `fn(i)` for each i in [0, count), at most
// `concurrency` at once (this thread is one of them), returning when all
// are done. Each index runs exactly once; `fn` must be safe to call from
// several threads at a time.
#ifndef BERTH_SRC_INTERNAL_PARALLEL_H_
#define BERTH_SRC_INTERNAL_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace berth::detail {

template <class Fn>
void ForEachIndex(std::size_t count, int concurrency, Fn&& fn) {
  if (count == 0) return;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) fn(i);
  };
  const std::size_t threads = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(concurrency, 1)));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

}  // namespace berth::detail

#endif  // BERTH_SRC_INTERNAL_PARALLEL_H_
