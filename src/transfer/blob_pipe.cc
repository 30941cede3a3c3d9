#include "transfer/blob_pipe.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace berth::transfer {
namespace {

// At most this much fetched and not yet read: enough to keep both
// connections busy, small enough that many jobs stay within a few MiB.
constexpr std::size_t kBufferBytes = 1u << 20;

class PipeReader final : public BlobReader {
 public:
  PipeReader(RemoteRepository& repository, const Descriptor& blob) {
    fetcher_ = std::thread([this, &repository, blob] {
      Status done = repository.FetchBlob(blob, [this](std::string_view chunk) { return Push(chunk); });
      std::lock_guard lock(mu_);
      finished_ = true;
      if (!done.ok()) error_ = done.error();
      changed_.notify_all();
    });
  }

  ~PipeReader() override {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      changed_.notify_all();
    }
    fetcher_.join();
  }

  Result<std::size_t> Read(char* buffer, std::size_t capacity) override {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return !chunks_.empty() || finished_; });
    if (chunks_.empty()) {
      if (error_) return *error_;
      return std::size_t{0};
    }
    std::string& front = chunks_.front();
    const std::size_t n = std::min(capacity, front.size() - front_offset_);
    std::memcpy(buffer, front.data() + front_offset_, n);
    front_offset_ += n;
    buffered_ -= n;
    if (front_offset_ == front.size()) {
      chunks_.pop_front();
      front_offset_ = 0;
    }
    changed_.notify_all();
    return n;
  }

 private:
  Status Push(std::string_view chunk) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return buffered_ < kBufferBytes || cancelled_; });
    if (cancelled_) return Error(ErrorKind::kSystem, "blob copy cancelled");
    chunks_.emplace_back(chunk);
    buffered_ += chunk.size();
    changed_.notify_all();
    return {};
  }

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  std::size_t front_offset_ = 0;
  std::size_t buffered_ = 0;
  bool finished_ = false;
  bool cancelled_ = false;
  std::optional<Error> error_;
  std::thread fetcher_;  // last: started once everything it uses exists
};

}  // namespace

std::unique_ptr<BlobReader> FetchThroughPipe(RemoteRepository& repository, const Descriptor& blob) {
  return std::make_unique<PipeReader>(repository, blob);
}

}  // namespace berth::transfer
